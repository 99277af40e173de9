/** Parsers for option values shared by commands; each throws a UsageError naming the flag. */
import { UsageError } from '../lib/errors.js';

export function intOption(flag: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`invalid ${flag} "${value}": must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

export type OutputFormat = 'table' | 'json';

export function outputOption(value: string): OutputFormat {
  if (value !== 'table' && value !== 'json') {
    throw new UsageError(`invalid --output "${value}": must be table or json`);
  }
  return value;
}
