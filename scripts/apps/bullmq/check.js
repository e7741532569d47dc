const { Queue, Worker, QueueEvents, FlowProducer } = require('bullmq');
const port = parseInt(process.argv[2]);
const connection = { host: '127.0.0.1', port };
(async () => {
  const name = 'q' + Date.now();
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  await events.waitUntilReady();
  let completedEvents = 0;
  events.on('completed', () => { completedEvents++; });
  const N = 200;
  const jobs = [];
  for (let i = 0; i < N; i++) jobs.push({ name: 'job', data: { i }, opts: { attempts: 2, removeOnComplete: 50, priority: i % 3 === 0 ? 1 : undefined, delay: i % 10 === 0 ? 200 : undefined } });
  await queue.addBulk(jobs);
  let processed = 0, failedOnce = 0;
  const worker = new Worker(name, async job => {
    if (job.data.i % 17 === 0 && job.attemptsMade === 0) { failedOnce++; throw new Error('boom'); }
    processed++;
    return job.data.i * 2;
  }, { connection, concurrency: 5 });
  const start = Date.now();
  while ((processed < N) && Date.now() - start < 20000) await new Promise(r => setTimeout(r, 100));
  await new Promise(r => setTimeout(r, 500));
  const counts = await queue.getJobCounts();
  console.log(JSON.stringify({ processed, failedOnce, completedEvents, counts }));
  // flows
  const flow = new FlowProducer({ connection });
  const tree = await flow.add({ name: 'parent', queueName: name, data: {}, children: [{ name: 'c1', data: { i: 1 }, queueName: name }, { name: 'c2', data: { i: 2 }, queueName: name }] });
  await new Promise(r => setTimeout(r, 1500));
  const parentState = await tree.job.getState();
  console.log('parent', parentState);
  await worker.close(); await events.close(); await queue.obliterate({ force: true }); await queue.close(); await flow.close();
  process.exit(processed >= N && completedEvents >= N && parentState === "completed" ? 0 : 1);
})().catch(e => { console.error('ERROR', e); process.exit(2); });
