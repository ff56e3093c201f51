// The handshake's `client` document (mongodb-handshake spec): driver, os,
// platform, application, env (FaaS and container), kept under 512 BSON bytes.
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { calculateObjectSize, Int32, type Document } from '../../bson.js';
import { MongoInvalidArgumentError } from '../../errors.js';

export const DRIVER_NAME = 'mongrove';
export const MAX_METADATA_BYTES = 512;
export const MAX_APP_NAME_BYTES = 128;

/** What a library wrapping the driver appends to the metadata. */
export interface DriverInfo {
  name?: string;
  version?: string;
  platform?: string;
}

/** The process facts the metadata is built from; injectable for tests. */
export interface RuntimeFacts {
  env: Readonly<Record<string, string | undefined>>;
  osType: string;
  osName: string;
  architecture: string;
  osVersion: string;
  nodeVersion: string;
  endianness: 'LE' | 'BE';
  dockerEnvPresent: boolean;
}

export function currentRuntime(): RuntimeFacts {
  return {
    env: process.env,
    osType: os.type(),
    osName: process.platform,
    architecture: process.arch,
    osVersion: os.release(),
    nodeVersion: process.version,
    endianness: os.endianness(),
    dockerEnvPresent: existsSync('/.dockerenv'),
  };
}

let cachedVersion: string | undefined;

/** mongrove's version, read from package.json once (src/ and dist/ sit at the same depth). */
export function driverVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
      const parsed: unknown = JSON.parse(text);
      const version = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).version : undefined;
      cachedVersion = typeof version === 'string' ? version : 'unknown';
    } catch {
      cachedVersion = 'unknown';
    }
  }
  return cachedVersion;
}

function checkDriverInfo(info: DriverInfo): void {
  for (const [field, value] of Object.entries(info)) {
    if (value !== undefined && typeof value !== 'string') {
      throw new MongoInvalidArgumentError(`driverInfo.${field} must be a string, got ${typeof value}`);
    }
    if (typeof value === 'string' && value.includes('|')) {
      throw new MongoInvalidArgumentError(`driverInfo.${field} must not contain '|' (the metadata delimiter): ${JSON.stringify(value)}`);
    }
  }
}

/** Driver infos with empty fields unset and duplicates dropped (appending the same info twice is a no-op). */
export function distinctDriverInfos(infos: readonly DriverInfo[]): DriverInfo[] {
  const seen = new Set<string>();
  const out: DriverInfo[] = [];
  for (const info of infos) {
    checkDriverInfo(info);
    const normal: DriverInfo = {};
    if (info.name) normal.name = info.name;
    if (info.version) normal.version = info.version;
    if (info.platform) normal.platform = info.platform;
    const key = JSON.stringify([normal.name, normal.version, normal.platform]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(normal);
  }
  return out;
}

function appended(base: string, extras: (string | undefined)[]): string {
  return [base, ...extras.filter((value): value is string => value !== undefined)].join('|');
}

function int32Of(value: string | undefined): Int32 | undefined {
  if (value === undefined || !/^-?\d+$/.test(value.trim())) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 ? new Int32(n) : undefined;
}

type FaasName = 'aws.lambda' | 'azure.func' | 'gcp.func' | 'vercel';

function detectFaas(env: RuntimeFacts['env']): FaasName | undefined {
  const present = (name: string): boolean => (env[name] ?? '') !== '';
  const found: FaasName[] = [];
  if ((env.AWS_EXECUTION_ENV ?? '').startsWith('AWS_Lambda_') || present('AWS_LAMBDA_RUNTIME_API')) found.push('aws.lambda');
  if (present('FUNCTIONS_WORKER_RUNTIME')) found.push('azure.func');
  if (present('K_SERVICE') || present('FUNCTION_NAME')) found.push('gcp.func');
  if (present('VERCEL')) found.push('vercel');
  if (found.length === 1) return found[0];
  // Vercel runs on AWS Lambda, so that pair means Vercel; any other mix is ambiguous.
  if (found.length === 2 && found.includes('vercel') && found.includes('aws.lambda')) return 'vercel';
  return undefined;
}

/** client.env, or undefined when no field would be set. */
export function environmentDocument(facts: RuntimeFacts): Document | undefined {
  const env = facts.env;
  const doc: Document = {};
  const name = detectFaas(env);
  if (name !== undefined) {
    doc.name = name;
    const set = (field: string, value: unknown): void => {
      if (value !== undefined && value !== '') doc[field] = value;
    };
    if (name === 'aws.lambda') {
      set('region', env.AWS_REGION);
      set('memory_mb', int32Of(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE));
    } else if (name === 'gcp.func') {
      set('memory_mb', int32Of(env.FUNCTION_MEMORY_MB));
      set('timeout_sec', int32Of(env.FUNCTION_TIMEOUT_SEC));
      set('region', env.FUNCTION_REGION);
    } else if (name === 'vercel') {
      set('region', env.VERCEL_REGION);
    }
  }
  const container: Document = {};
  if (facts.dockerEnvPresent) container.runtime = 'docker';
  if ((env.KUBERNETES_SERVICE_HOST ?? '') !== '') container.orchestrator = 'kubernetes';
  if (Object.keys(container).length > 0) doc.container = container;
  return Object.keys(doc).length > 0 ? doc : undefined;
}

export interface MetadataOptions {
  appName?: string;
  driverInfo?: readonly DriverInfo[];
}

/** Builds the `client` document, truncated in the spec's order until it fits 512 bytes. */
export function buildClientMetadata(options: MetadataOptions = {}, facts: RuntimeFacts = currentRuntime()): Document {
  const infos = distinctDriverInfos(options.driverInfo ?? []);
  const metadata: Document = {};
  if (options.appName !== undefined) {
    if (Buffer.byteLength(options.appName, 'utf8') > MAX_APP_NAME_BYTES) {
      throw new MongoInvalidArgumentError(`appName must be at most ${MAX_APP_NAME_BYTES} bytes in UTF-8, got ${Buffer.byteLength(options.appName, 'utf8')}`);
    }
    metadata.application = { name: options.appName };
  }
  metadata.driver = {
    name: appended(DRIVER_NAME, infos.map((i) => i.name)),
    version: appended(driverVersion(), infos.map((i) => i.version)),
  };
  metadata.os = { type: facts.osType || 'unknown', name: facts.osName, architecture: facts.architecture, version: facts.osVersion };
  metadata.platform = appended(`Node.js ${facts.nodeVersion}, ${facts.endianness}`, infos.map((i) => i.platform));
  const env = environmentDocument(facts);
  if (env !== undefined) metadata.env = env;
  return truncateMetadata(metadata);
}

const fits = (doc: Document): boolean => calculateObjectSize(doc) <= MAX_METADATA_BYTES;

/** The spec's order: env fields but name, os fields but type, env entirely, then platform. */
export function truncateMetadata(metadata: Document): Document {
  if (fits(metadata)) return metadata;
  const doc: Document = { ...metadata };
  if (doc.env !== undefined) {
    const env = doc.env as Document;
    doc.env = env.name !== undefined ? { name: env.name } : undefined;
    if (doc.env === undefined) delete doc.env;
    if (fits(doc)) return doc;
  }
  doc.os = { type: (doc.os as Document).type };
  if (fits(doc)) return doc;
  delete doc.env;
  if (fits(doc)) return doc;
  if (typeof doc.platform === 'string') {
    const over = calculateObjectSize(doc) - MAX_METADATA_BYTES;
    const bytes = Buffer.from(doc.platform, 'utf8');
    // Cut whole UTF-8 characters only, so the string stays valid.
    let keep = Math.max(0, bytes.length - over);
    while (keep > 0 && (bytes[keep] & 0xc0) === 0x80) keep -= 1;
    doc.platform = bytes.subarray(0, keep).toString('utf8');
    if (fits(doc)) return doc;
    delete doc.platform;
  }
  return doc;
}
