// The C twin of bench/floor/WriteFloor.java, to show that the floor is the kernel's and not Java's: the same 150-byte
// frames to 50 of CONNS sockets at a time, at RATE writes/s, a third of the time as warm-up, one send(2) per write.
//   cc -O2 -o write_floor bench/floor/write_floor.c
//   write_floor server PORT CONNS RATE SECONDS      write_floor client PORT CONNS
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
static long long now_ns(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1000000000LL+t.tv_nsec;}
static double cpu_s(void){struct rusage r;getrusage(RUSAGE_SELF,&r);return r.ru_utime.tv_sec+r.ru_utime.tv_usec/1e6+r.ru_stime.tv_sec+r.ru_stime.tv_usec/1e6;}
int main(int argc,char**argv){
  int port=atoi(argv[2]),conns=atoi(argv[3]);
  struct sockaddr_in a={0};a.sin_family=AF_INET;a.sin_port=htons(port);a.sin_addr.s_addr=htonl(0x7f000001);
  if(!strcmp(argv[1],"client")){
    int ep=epoll_create1(0);
    for(int i=0;i<conns;i++){int s=socket(AF_INET,SOCK_STREAM,0);if(connect(s,(void*)&a,sizeof a)){perror("connect");return 1;}
      fcntl(s,F_SETFL,O_NONBLOCK);struct epoll_event e={.events=EPOLLIN,.data.fd=s};epoll_ctl(ep,EPOLL_CTL_ADD,s,&e);}
    static char buf[65536];struct epoll_event ev[256];
    for(;;){int n=epoll_wait(ep,ev,256,-1);for(int i=0;i<n;i++){if(read(ev[i].data.fd,buf,sizeof buf)==0)return 0;}}
  }
  int rate=atoi(argv[4]),seconds=atoi(argv[5]),fan=50;
  int l=socket(AF_INET,SOCK_STREAM,0);int one=1;setsockopt(l,SOL_SOCKET,SO_REUSEADDR,&one,sizeof one);
  if(bind(l,(void*)&a,sizeof a)||listen(l,1024)){perror("bind");return 1;}
  printf("listening\n");fflush(stdout);
  int*s=malloc(conns*sizeof(int));
  for(int i=0;i<conns;i++){s[i]=accept(l,0,0);setsockopt(s[i],IPPROTO_TCP,TCP_NODELAY,&one,sizeof one);fcntl(s[i],F_SETFL,O_NONBLOCK);}
  char frame[150];memset(frame,'x',150);
  long long total=(long long)rate*seconds,warm=total/3,writes=0,rounds=0;double at=-1;long long start=now_ns();
  while(writes<total){
    if(at<0&&writes>=warm)at=cpu_s();
    long long due=start+rounds*fan*1000000000LL/rate,n=now_ns();
    if(n<due){struct timespec t={0,due-n};nanosleep(&t,0);continue;}
    int room=rounds%(conns/fan);
    for(int i=0;i<fan;i++){send(s[room*fan+i],frame,150,0);writes++;}
    rounds++;
  }
  double cpu=cpu_s()-at;long long m=total-warm;
  printf("writes=%lld cpu=%.2fs -> %.2f µs per write, %.0f writes per CPU-second\n",m,cpu,cpu*1e6/m,m/cpu);
  return 0;
}
