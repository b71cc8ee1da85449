// Input constraints as the AWS API reference documents them (length, pattern, enum, range),
// checked before an operation runs and reported the way AWS reports them:
// "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must
// have length less than or equal to 128". A value of the wrong JSON type is a
// SerializationException, as the AWS JSON protocols answer it.
import { AwsError } from './errors';

interface Common {
  required?: true;
  /** AWS leaves sensitive values out of its messages ("Value at 'password'"). */
  sensitive?: true;
}

export type Field =
  | (Common & { type: 'string'; min?: number; max?: number; pattern?: string; enum?: readonly string[] })
  | (Common & { type: 'integer' | 'number'; min?: number; max?: number })
  | (Common & { type: 'boolean' })
  | (Common & { type: 'map'; maxEntries?: number; key?: Field; value?: Field })
  | (Common & { type: 'list'; min?: number; max?: number; member?: Field })
  | (Common & { type: 'structure'; fields: Shape });

export type Shape = Readonly<Record<string, Field>>;

const compiled = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    compiled.set(pattern, re);
  }
  return re;
}

const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'structure' : typeof v;
}

function serialization(path: string, expected: string, v: unknown): AwsError {
  return new AwsError(
    'SerializationException',
    `Value at '${path}' is a ${typeName(v)}, where a ${expected} was expected.`,
  );
}

function check(value: unknown, field: Field, path: string, errors: string[]): void {
  if (value === undefined || value === null) {
    if (field.required) errors.push(`Value at '${path}' failed to satisfy constraint: Member must not be null`);
    return;
  }
  const fail = (constraint: string): void => {
    const shown =
      !field.sensitive && typeof value === 'string' && value.length <= 256 ? `Value '${value}' at` : 'Value at';
    errors.push(`${shown} '${path}' failed to satisfy constraint: Member must ${constraint}`);
  };
  switch (field.type) {
    case 'string': {
      if (typeof value !== 'string') throw serialization(path, 'string', value);
      const length = [...value].length;
      if (field.min !== undefined && length < field.min) fail(`have length greater than or equal to ${field.min}`);
      if (field.max !== undefined && length > field.max) fail(`have length less than or equal to ${field.max}`);
      if (field.enum && !field.enum.includes(value)) fail(`satisfy enum value set: [${field.enum.join(', ')}]`);
      if (field.pattern && length > 0 && !regex(field.pattern).test(value))
        fail(`satisfy regular expression pattern: ${field.pattern}`);
      return;
    }
    case 'integer':
    case 'number': {
      if (
        typeof value !== 'number' ||
        !Number.isFinite(value) ||
        (field.type === 'integer' && !Number.isInteger(value))
      )
        throw serialization(path, field.type, value);
      if (field.min !== undefined && value < field.min) fail(`have value greater than or equal to ${field.min}`);
      if (field.max !== undefined && value > field.max) fail(`have value less than or equal to ${field.max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw serialization(path, 'boolean', value);
      return;
    case 'list': {
      if (!Array.isArray(value)) throw serialization(path, 'list', value);
      if (field.min !== undefined && value.length < field.min)
        fail(`have length greater than or equal to ${field.min}`);
      if (field.max !== undefined && value.length > field.max) fail(`have length less than or equal to ${field.max}`);
      if (field.member)
        value.forEach((item, i) => check(item, field.member as Field, `${path}.${i + 1}.member`, errors));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw serialization(path, 'map', value);
      const entries = Object.entries(value as Record<string, unknown>);
      if (field.maxEntries !== undefined && entries.length > field.maxEntries)
        fail(`have length less than or equal to ${field.maxEntries}`);
      for (const [k, v] of entries) {
        if (field.key) check(k, field.key, `${path}.key`, errors);
        check(v, field.value ?? { type: 'string' }, `${path}.${k}`, errors);
      }
      return;
    }
    case 'structure':
      if (typeof value !== 'object' || Array.isArray(value)) throw serialization(path, 'structure', value);
      checkFields(value as Record<string, unknown>, field.fields, `${path}.`, errors);
      return;
  }
}

function checkFields(input: Record<string, unknown>, shape: Shape, prefix: string, errors: string[]): void {
  for (const [name, field] of Object.entries(shape)) check(input[name], field, `${prefix}${lowerFirst(name)}`, errors);
}

/**
 * Checks `input` against `shape` and returns it as a record; `errorCode` is the service's
 * validation error (InvalidParameterException for Cognito, ValidationException for Bedrock).
 */
export function validate(input: unknown, shape: Shape, errorCode: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  const errors: string[] = [];
  checkFields(input as Record<string, unknown>, shape, '', errors);
  if (errors.length > 0) {
    throw new AwsError(
      errorCode,
      `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected: ${errors.join('; ')}`,
    );
  }
  return input as Record<string, unknown>;
}
