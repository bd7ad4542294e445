/**
 * The assertions our tests use, written here because the standard library's host is not
 * reachable from our machines. Messages show both sides.
 *
 * @module
 */
import { inspect, isDeepStrictEqual } from "node:util";

/** Raised by a failed assertion. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

/** Fails unless `condition` is truthy. */
export function assert(condition: unknown, message = "expected a truthy value"): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Fails unless `actual` and `expected` are deeply equal. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}values differ\n  actual:   ${
        inspect(actual, { depth: 6 })
      }\n  expected: ${inspect(expected, { depth: 6 })}`,
    );
  }
}

/** Fails when `actual` and `expected` are deeply equal. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  if (isDeepStrictEqual(actual, expected)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}expected a different value than ${inspect(actual)}`,
    );
  }
}

/** Fails unless `|actual - expected| <= tolerance`. */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance = 1e-7,
  message?: string,
): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}${actual} is not within ${tolerance} of ${expected}`,
    );
  }
}

/** Fails unless `text` contains `part`. */
export function assertStringIncludes(text: string, part: string, message?: string): void {
  if (!text.includes(part)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}expected ${inspect(text)} to include ${inspect(part)}`,
    );
  }
}

/** Fails unless `text` matches `pattern`. */
export function assertMatch(text: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(text)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}expected ${inspect(text)} to match ${pattern}`,
    );
  }
}

// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = new (...args: any[]) => E;

/** Fails unless `fn` throws an instance of `type` whose message includes `includes`. */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  type?: ErrorClass<E>,
  includes?: string,
): E {
  try {
    fn();
  } catch (error) {
    checkError(error, type, includes);
    return error as E;
  }
  throw new AssertionError("expected the function to throw");
}

/** Fails unless `fn` rejects with an instance of `type` whose message includes `includes`. */
export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  type?: ErrorClass<E>,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    checkError(error, type, includes);
    return error as E;
  }
  throw new AssertionError("expected the promise to reject");
}

function checkError(error: unknown, type?: ErrorClass<Error>, includes?: string): void {
  if (type && !(error instanceof type)) {
    throw new AssertionError(`expected ${type.name}, got ${inspect(error)}`);
  }
  if (includes && !String((error as Error)?.message).includes(includes)) {
    throw new AssertionError(
      `expected error message to include ${inspect(includes)}, got ${
        inspect((error as Error)?.message)
      }`,
    );
  }
}
