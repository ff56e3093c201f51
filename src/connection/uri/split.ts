// Splits a connection string into scheme, userinfo, raw host identifiers,
// database and raw key/value pairs. mongodb-connection-string-url does the
// URL-level split and userinfo checks; the meaning of every part is ours.
import { ConnectionString } from 'mongodb-connection-string-url';
import { MongoParseError } from '../../errors.js';

export interface RawOption {
  /** The key as written (decoded), not yet normalised. */
  key: string;
  /** The decoded value; '' when written as `key=`. */
  value: string;
}

export interface SplitConnectionString {
  isSrv: boolean;
  /** An '@' delimited userinfo was present (even if empty). */
  userInfoGiven: boolean;
  username: string | undefined;
  /** undefined when no ':' followed the username; '' for `user:@host`. */
  password: string | undefined;
  /** Raw, still percent-encoded host identifiers. */
  hosts: string[];
  /** The decoded path database, or undefined when absent. */
  database: string | undefined;
  options: RawOption[];
}

const FORBIDDEN_DB_CHARACTERS = /[/\\ "$]/;

export function splitConnectionString(uri: string): SplitConnectionString {
  if (typeof uri !== 'string') throw new MongoParseError(`connection string must be a string, got ${typeof uri}`);
  let url: ConnectionString;
  try {
    url = new ConnectionString(uri);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MongoParseError(`invalid connection string: ${reason}`, { cause: error });
  }
  const userInfo = rawUserInfo(uri);
  const username = userInfo === undefined ? undefined : decodePart(url.username, 'username');
  const password = userInfo === undefined || !userInfo.includes(':') ? undefined : decodePart(url.password, 'password');
  return {
    isSrv: url.isSRV,
    userInfoGiven: userInfo !== undefined,
    username,
    password,
    hosts: [...url.hosts],
    database: parseDatabase(url.pathname),
    options: parseQuery(url.search),
  };
}

/** Parses `key=value&key=value` (the connection string's options, or a TXT record). */
export function parseQuery(search: string, where = 'connection string'): RawOption[] {
  const text = search.startsWith('?') ? search.slice(1) : search;
  const out: RawOption[] = [];
  if (text.length === 0) return out;
  for (const pair of text.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    if (eq < 0) {
      throw new MongoParseError(`invalid option ${JSON.stringify(pair)} in the ${where}: expected key=value`);
    }
    out.push({ key: decodePart(pair.slice(0, eq), 'option name'), value: decodePart(pair.slice(eq + 1), `value of ${pair.slice(0, eq)}`) });
  }
  return out;
}

/** The text between "://" and the last '@' of the authority, or undefined when there is no '@'. */
function rawUserInfo(uri: string): string | undefined {
  const start = uri.indexOf('://') + 3;
  const rest = uri.slice(start);
  const end = rest.search(/[/?]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  return at < 0 ? undefined : authority.slice(0, at);
}

function parseDatabase(pathname: string): string | undefined {
  const raw = pathname.startsWith('/') ? pathname.slice(1) : pathname;
  if (raw.length === 0) return undefined;
  const database = decodePart(raw, 'database name');
  if (FORBIDDEN_DB_CHARACTERS.test(database)) {
    throw new MongoParseError(`invalid database name ${JSON.stringify(database)} in connection string: it must not contain / \\ space " or $`);
  }
  return database;
}

function decodePart(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new MongoParseError(`invalid percent-encoding in ${what} of the connection string (characters like @ : / % must be URL encoded)`);
  }
}
