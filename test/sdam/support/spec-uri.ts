// A deliberately small parser for the spec tests' connection strings (hosts and a
// few options); the real parser lives in src/connection.
export interface SpecUri {
  hosts: string[];
  options: Map<string, string>;
}

export function parseSpecUri(uri: string): SpecUri {
  const withoutScheme = uri.replace(/^mongodb(\+srv)?:\/\//, '');
  const slash = withoutScheme.search(/[/?]/);
  const hostPart = slash === -1 ? withoutScheme : withoutScheme.slice(0, slash);
  const rest = slash === -1 ? '' : withoutScheme.slice(slash);
  const query = rest.includes('?') ? rest.slice(rest.indexOf('?') + 1) : '';
  const options = new Map<string, string>();
  for (const pair of query.split('&').filter(Boolean)) {
    const [key, value = ''] = pair.split('=');
    options.set(key.toLowerCase(), decodeURIComponent(value));
  }
  return { hosts: hostPart.split(',').filter(Boolean), options };
}

export function booleanOption(uri: SpecUri, name: string): boolean | undefined {
  const value = uri.options.get(name.toLowerCase());
  return value === undefined ? undefined : value === 'true';
}
