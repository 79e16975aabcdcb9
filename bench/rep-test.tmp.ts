import { replay } from './scenarios/replay';
replay({ events: +process.argv[2], nodes: 5000, daemonSets: 30, profile: true }).then((l) => console.log(l), (e) => { console.error(e); process.exit(1); });
