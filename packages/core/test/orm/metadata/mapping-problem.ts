import { MappingError } from '@athanor/core';
import type { Registry } from '@athanor/core';

/** Configure `registry`, expecting it to fail with a MappingError; its message. */
export function problem(registry: Registry): string {
  try {
    registry.configure();
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    expect((error as MappingError).code).toBe('MAPPING_ERROR');
    return (error as Error).message;
  }
  throw new Error('configure() did not fail');
}
