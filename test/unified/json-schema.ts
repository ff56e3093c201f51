// A small JSON Schema (draft 7 subset) validator: exactly the keywords the
// unified test format's schema uses. The schema is the spec's own statement of
// which fields exist, so validating against it is how unknown fields and
// malformed files (the `invalid/` corpus) are rejected.

export type JsonSchema = boolean | { [keyword: string]: unknown };

export interface SchemaViolation {
  /** JSON path of the offending value, e.g. "$.tests[0].operations[1]". */
  path: string;
  message: string;
}

const SUPPORTED = new Set([
  '$schema', 'title', 'description', 'deprecated', 'definitions', '$defs', '$ref',
  'type', 'properties', 'patternProperties', 'additionalProperties', 'required',
  'items', 'minItems', 'minProperties', 'maxProperties', 'enum', 'const', 'pattern',
  'oneOf', 'anyOf', 'allOf', 'not',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'object': return isObject(value);
    case 'array': return Array.isArray(value);
    case 'string': return typeof value === 'string';
    case 'boolean': return typeof value === 'boolean';
    case 'null': return value === null;
    case 'number': return typeof value === 'number';
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    default: throw new Error(`json-schema: unsupported type "${type}"`);
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class SchemaValidator {
  constructor(private readonly root: JsonSchema) {}

  validate(value: unknown): SchemaViolation[] {
    const out: SchemaViolation[] = [];
    this.check(this.root, value, '$', out);
    return out;
  }

  private resolve(ref: string): JsonSchema {
    if (!ref.startsWith('#/')) throw new Error(`json-schema: unsupported $ref "${ref}"`);
    let node: unknown = this.root;
    for (const part of ref.slice(2).split('/')) {
      if (!isObject(node) || !(part in node)) throw new Error(`json-schema: unresolvable $ref "${ref}"`);
      node = node[part];
    }
    if (typeof node !== 'boolean' && !isObject(node)) throw new Error(`json-schema: $ref "${ref}" is not a schema`);
    return node;
  }

  private check(schema: JsonSchema, value: unknown, path: string, out: SchemaViolation[]): void {
    if (schema === true) return;
    if (schema === false) {
      out.push({ path, message: 'is not allowed here' });
      return;
    }
    for (const keyword of Object.keys(schema)) {
      if (!SUPPORTED.has(keyword)) throw new Error(`json-schema: unsupported keyword "${keyword}" at ${path}`);
    }
    const s = schema;
    if (typeof s.$ref === 'string') this.check(this.resolve(s.$ref), value, path, out);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeMatches(t, value))) {
        out.push({ path, message: `must be of type ${types.join('|')}` });
        return;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, value))) {
      out.push({ path, message: `must be one of ${JSON.stringify(s.enum)}` });
    }
    if ('const' in s && !deepEqual(s.const, value)) out.push({ path, message: `must equal ${JSON.stringify(s.const)}` });
    if (typeof s.pattern === 'string' && typeof value === 'string' && !new RegExp(s.pattern, 'u').test(value)) {
      out.push({ path, message: `must match /${s.pattern}/` });
    }
    if (isObject(value)) this.checkObject(s, value, path, out);
    if (Array.isArray(value)) this.checkArray(s, value, path, out);
    this.checkCombinators(s, value, path, out);
  }

  private checkObject(s: Record<string, unknown>, value: Record<string, unknown>, path: string, out: SchemaViolation[]): void {
    const keys = Object.keys(value);
    if (typeof s.minProperties === 'number' && keys.length < s.minProperties) {
      out.push({ path, message: `must have at least ${s.minProperties} properties` });
    }
    if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) {
      out.push({ path, message: `must have at most ${s.maxProperties} properties` });
    }
    if (Array.isArray(s.required)) {
      for (const key of s.required as string[]) {
        if (!(key in value)) out.push({ path, message: `is missing required property "${key}"` });
      }
    }
    const properties = isObject(s.properties) ? s.properties : {};
    const patterns = isObject(s.patternProperties)
      ? Object.entries(s.patternProperties).map(([p, sub]) => [new RegExp(p, 'u'), sub] as const)
      : [];
    for (const key of keys) {
      const childPath = `${path}.${key}`;
      let known = false;
      if (key in properties) {
        known = true;
        this.check(properties[key] as JsonSchema, value[key], childPath, out);
      }
      for (const [regex, sub] of patterns) {
        if (regex.test(key)) {
          known = true;
          this.check(sub as JsonSchema, value[key], childPath, out);
        }
      }
      if (!known && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) out.push({ path: childPath, message: 'is not an allowed property' });
        else this.check(s.additionalProperties as JsonSchema, value[key], childPath, out);
      }
    }
  }

  private checkArray(s: Record<string, unknown>, value: unknown[], path: string, out: SchemaViolation[]): void {
    if (typeof s.minItems === 'number' && value.length < s.minItems) {
      out.push({ path, message: `must have at least ${s.minItems} items` });
    }
    if (s.items !== undefined) {
      value.forEach((item, i) => this.check(s.items as JsonSchema, item, `${path}[${i}]`, out));
    }
  }

  private checkCombinators(s: Record<string, unknown>, value: unknown, path: string, out: SchemaViolation[]): void {
    const passes = (sub: unknown): boolean => {
      const inner: SchemaViolation[] = [];
      this.check(sub as JsonSchema, value, path, inner);
      return inner.length === 0;
    };
    if (Array.isArray(s.allOf)) for (const sub of s.allOf) this.check(sub as JsonSchema, value, path, out);
    if (Array.isArray(s.anyOf) && !s.anyOf.some(passes)) out.push({ path, message: 'matches none of anyOf' });
    if (Array.isArray(s.oneOf)) {
      const n = s.oneOf.filter(passes).length;
      if (n !== 1) out.push({ path, message: n === 0 ? 'matches none of oneOf' : `matches ${n} branches of oneOf` });
    }
    if (s.not !== undefined && passes(s.not)) out.push({ path, message: `must not match ${JSON.stringify(s.not)}` });
  }
}
