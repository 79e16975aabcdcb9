import { clusterHistory } from './lib/cluster-history';
const t=Date.now(); let n=0;
for (const e of clusterHistory({events: +process.argv[2], nodes: 5000, daemonSets: 30})) { n+=e.length; }
console.log(n, Date.now()-t, 'ms');
