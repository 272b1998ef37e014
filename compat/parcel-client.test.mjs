// The published Parcel client, unchanged, against a running platform. Run by the e2e suite
// (ParcelClientCompatibilityIT) with PARCEL_API_URL, PARCEL_STORAGE_URL and PARCEL_TEST_IMAGE set.
import './formdata-shim.mjs';
import Parcel, { ApiError } from '@oasislabs/parcel';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { test } from 'node:test';

const apiUrl = required('PARCEL_API_URL');
const storageUrl = required('PARCEL_STORAGE_URL');
const image = required('PARCEL_TEST_IMAGE');

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** A new key and a principal of our choosing, as a client registers them (explicit sub and iss). */
function newCredentials(name) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid };
  const { d, ...publicKey } = jwk;
  return { principal: `${name}-${randomUUID()}`, privateKey: jwk, publicKey };
}

function client(credentials) {
  return new Parcel({ principal: credentials.principal, privateKey: credentials.privateKey }, { apiUrl, storageUrl });
}

async function register(name) {
  const credentials = newCredentials(name);
  const parcel = client(credentials);
  const identity = await parcel.createIdentity({
    tokenVerifiers: [{ publicKey: credentials.publicKey, sub: credentials.principal, iss: credentials.principal }],
  });
  // The document-store learns a new identity from the bus a moment later; until then it cannot check its tokens.
  await eventually(async () => {
    const error = await parcel.getDocument('Dnothing').then(() => null, (e) => e);
    return error instanceof ApiError && error.response.status === 404;
  });
  return { parcel, id: identity.id };
}

async function eventually(condition, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`not true within ${seconds} s: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function ended(parcel, jobId) {
  let status;
  await eventually(async () => {
    status = (await parcel.getJobStatus(jobId)).status;
    return status.phase === 'Succeeded' || status.phase === 'Failed';
  }, 120);
  return status;
}

async function text(download) {
  const chunks = [];
  for await (const chunk of download) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

async function refusal(promise) {
  const error = await promise.then(() => null, (e) => e);
  assert.ok(error instanceof ApiError, `expected an ApiError, got ${error}`);
  return error;
}

const alice = await register('alice');
const bob = await register('bob');
let input;
let readingJob;

test('identities registered with explicit sub and iss sign their own tokens', async () => {
  const me = await alice.parcel.getCurrentIdentity();
  assert.equal(me.id, alice.id);
  assert.ok(me.createdAt instanceof Date && !Number.isNaN(me.createdAt.getTime()));
  const stranger = client(newCredentials('stranger'));
  const error = await refusal(stranger.getCurrentIdentity());
  assert.equal(error.response.status, 401);
});

test('the owner uploads a document and alone can read it', async () => {
  input = await alice.parcel.uploadDocument('ada lovelace\n', { details: { title: 'names', tags: ['people'] } })
    .finished;
  assert.equal(input.owner, alice.id);
  assert.equal(input.size, 13);
  assert.equal((await alice.parcel.getDocument(input.id)).details.title, 'names');
  assert.equal(await text(alice.parcel.downloadDocument(input.id)), 'ada lovelace\n');
  const error = await refusal(bob.parcel.getDocument(input.id));
  assert.equal(error.response.status, 404);
  assert.match(error.message, /no document/);
});

test('a grant on the job image lets that job read the input, and its output is the owner\'s', async () => {
  await alice.parcel.createGrant({ grantee: bob.id, condition: { 'job.spec.image': { $eq: image } } });
  const job = await bob.parcel.submitJob({
    name: 'shout',
    image,
    cmd: ['-c', 'tr a-z A-Z < /parcel/data/in/names.txt > /parcel/data/out/result.txt'],
    inputDocuments: [{ id: input.id, mountPath: 'names.txt' }],
    outputDocuments: [{ mountPath: 'result.txt', owner: alice.id }],
  });
  assert.equal(job.status.phase, 'Pending');
  readingJob = job.id;

  const status = await ended(bob.parcel, job.id);
  assert.equal(status.phase, 'Succeeded', status.message);
  let done;
  await eventually(async () => {
    done = await bob.parcel.getJob(job.id);
    return done.io.accessedDocuments.length === 1;
  });
  assert.deepEqual(done.io.accessedDocuments, [input.id]);
  const [output] = done.io.outputDocuments;
  assert.equal(output.mountPath, 'result.txt');
  assert.equal(await text(alice.parcel.downloadDocument(output.id)), 'ADA LOVELACE\n');
  const error = await refusal(text(bob.parcel.downloadDocument(output.id)));
  assert.equal(error.response.status, 404);
  await refusal(text(bob.parcel.downloadDocument(input.id)));
});

test('jobs list by submitter and by input owner, page by page', async () => {
  const trivial = [];
  for (let i = 0; i < 3; i++) {
    trivial.push((await bob.parcel.submitJob({ name: `t${i}`, image, cmd: ['-c', 'true'] })).id);
  }
  const seen = [];
  let pageToken;
  do {
    const page = await bob.parcel.listJobs({ submitter: bob.id, pageSize: 2, pageToken });
    assert.ok(page.results.length <= 2);
    seen.push(...page.results.map((job) => job.id));
    pageToken = page.nextPageToken || undefined;
  } while (pageToken);
  assert.deepEqual(seen, [...trivial.reverse(), readingJob]);

  const aliceSees = await alice.parcel.listJobs({ inputOwner: alice.id });
  assert.deepEqual(aliceSees.results.map((job) => job.id), [readingJob]);
  assert.equal((await alice.parcel.getJob(readingJob)).id, readingJob);
  const error = await refusal(alice.parcel.getJob(trivial[0]));
  assert.equal(error.response.status, 404);
});

test('the submitter terminates a running job', async () => {
  const job = await bob.parcel.submitJob({ name: 'long', image, cmd: ['-c', 'sleep 300'] });
  await eventually(async () => (await bob.parcel.getJobStatus(job.id)).status.phase === 'Running', 120);
  await refusal(alice.parcel.terminateJob(job.id));
  await bob.parcel.terminateJob(job.id);
  const status = await ended(bob.parcel, job.id);
  assert.equal(status.phase, 'Failed');
  assert.match(status.message, /terminated/);
});

test('refusals reach the client as ApiErrors carrying the server\'s message', async () => {
  const invalid = await refusal(bob.parcel.submitJob({ image, cmd: ['-c', 'true'] }));
  assert.equal(invalid.response.status, 400);
  assert.match(invalid.message, /name:/);
  const unknown = await refusal(bob.parcel.getJob('Jnothing'));
  assert.equal(unknown.response.status, 404);
  const badGrant = await refusal(alice.parcel.createGrant({ grantee: bob.id, condition: { 'no.such': { $eq: 1 } } }));
  assert.equal(badGrant.response.status, 400);
});
