/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_query.c — query-language overhead: an indexed 1-hop lookup run
 * through dn_stmt_* (prepare, bind, execute, fetch) and the same work
 * written against the C API, on N traders in a chain of LINK edges.
 * Prints microseconds per query: prepared once and executed per key (the
 * issue 3 target: <= 2x the C API), and prepared anew each time (the whole
 * parse-plan-execute path: < 50 us).
 * Usage: bench_query [N] [R] (default 100000 traders, 20000 queries).
 */
#include <dragnet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc, char **argv){
  char dir[] = "/tmp/dragnet-bench-query-XXXXXX"; if (!mkdtemp(dir)) return 1;
  dn_db*db; dn_open_opts o={.flags=DN_OPEN_NOSYNC}; if (dn_open(dir,&o,&db)) return 1;
  dn_txn*t; dn_txn_begin(db,0,NULL,&t);
  dn_index_create(t,NULL,"Trader","tin",DN_INDEX_UNIQUE);
  const char*l="Trader"; int N=argc>1?atoi(argv[1]):100000; dn_id prev=0;
  for(int i=0;i<N;i++){ char tin[32]; snprintf(tin,sizeof tin,"GB%09d",i); dn_prop p[2]={{"tin",dn_value_stringn_ref(tin,strlen(tin))},{"name",dn_value_stringn_ref("x",1)}}; dn_id id; dn_node_create(t,&l,1,p,2,NULL,&id); if(prev){dn_id e; dn_edge_create(t,id,prev,"LINK",NULL,0,NULL,&e);} prev=id;}
  if (dn_txn_commit(t)) { printf("load failed: %s\n", dn_errmsg(db)); return 1; }
  dn_txn_begin(db,DN_TXN_RDONLY,NULL,&t);
  const char*q="MATCH (t:Trader {tin: $tin})-[:LINK]->(o) RETURN o.tin";
  int R=argc>2?atoi(argv[2]):20000; unsigned s=1; long rows=0;
  double t0=now();
  for(int i=0;i<R;i++){ s=s*1103515245+12345; char tin[32]; snprintf(tin,sizeof tin,"GB%09d",1+(s>>8)%(N-1));
    dn_stmt*st; dn_query_error e; if(dn_stmt_prepare(db,q,strlen(q),&st,&e)){printf("prep %s\n",e.message);return 1;}
    dn_value v=dn_value_stringn_ref(tin,strlen(tin)); dn_stmt_bind(st,"tin",&v);
    if(dn_stmt_execute(st,t)){printf("exec %s\n",dn_stmt_error(st)->message);return 1;}
    while(dn_stmt_step(st)==DN_ROW) rows++;
    dn_stmt_free(st);}
  double t1=now();
  /* prepared once: bind, execute and fetch per key */
  dn_stmt*ps; dn_query_error pe; if(dn_stmt_prepare(db,q,strlen(q),&ps,&pe)){printf("prep %s\n",pe.message);return 1;}
  for(int i=0;i<R;i++){ s=s*1103515245+12345; char tin[32]; snprintf(tin,sizeof tin,"GB%09d",1+(s>>8)%(N-1));
    dn_value v=dn_value_stringn_ref(tin,strlen(tin)); dn_stmt_bind(ps,"tin",&v);
    if(dn_stmt_execute(ps,t)){printf("exec %s\n",dn_stmt_error(ps)->message);return 1;}
    while(dn_stmt_step(ps)==DN_ROW) rows++; }
  dn_stmt_free(ps);
  double t1b=now();
  /* the same through the C API */
  for(int i=0;i<R;i++){ s=s*1103515245+12345; char tin[32]; snprintf(tin,sizeof tin,"GB%09d",1+(s>>8)%(N-1));
    dn_value v=dn_value_stringn_ref(tin,strlen(tin)); dn_iter*it; dn_id id; dn_index_seek(t,"Trader","tin",&v,&v,0,&it);
    while(dn_iter_next(it,&id)==DN_ROW){ dn_iter*a; dn_adj adj; dn_edges_of(t,id,DN_OUT,"LINK",&a); while(dn_iter_next_adj(a,&adj)==DN_ROW){ dn_node*n; dn_node_get(t,adj.nbr,&n); rows++; dn_node_free(n);} dn_iter_free(a);} dn_iter_free(it);}
  double t2=now();
  printf("prepared query (bind+execute+fetch): %.1f us; C API: %.1f us; ratio %.2f (target <= 2)\n"
         "whole path (prepare+bind+execute+fetch): %.1f us (target < 50); rows %ld\n",
         (t1b-t1)/R*1e6,(t2-t1b)/R*1e6,(t1b-t1)/(t2-t1b),(t1-t0)/R*1e6,rows);
  dn_txn_abort(t); dn_close(db);
  char cmd[128]; snprintf(cmd, sizeof cmd, "rm -rf %s", dir); if (system(cmd)) return 1;
  return 0;}
