// A hook backend for the benchmark: answers every hook call {"allow": true} at once (no signature check, no work),
// so a run with hooks measures what the hook costs the node, not the backend. Prints the calls it answered.
//   node bench/hook-backend.mjs PORT
import http from 'node:http';

let calls = 0;
const answer = Buffer.from('{"allow":true}');
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    calls++;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
    res.end(answer);
  });
}).listen(Number(process.argv[2]), '127.0.0.1');
process.on('SIGTERM', () => { console.log(`hook backend answered ${calls} calls`); process.exit(0); });
