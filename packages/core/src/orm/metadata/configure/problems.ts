import { MappingError } from '../../../errors/errors';

/**
 * Mapping problems found while configuring. Each names the class, the property and the fix;
 * a phase adds all it finds, then `throwIfAny` raises one MappingError listing them.
 */
export class Problems {
  private readonly list: string[] = [];

  add(message: string): void {
    if (!this.list.includes(message)) this.list.push(message);
  }

  get size(): number {
    return this.list.length;
  }

  throwIfAny(registryName: string): void {
    if (this.list.length === 0) return;
    if (this.list.length === 1) throw new MappingError(this.list[0]!);
    throw new MappingError(`${this.list.length} mapping problems in registry '${registryName}':\n${this.list.map((p) => `  - ${p}`).join('\n')}`);
  }
}
