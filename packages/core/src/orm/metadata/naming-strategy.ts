/**
 * How database names follow from class and property names when a decorator does not give one.
 * The default is snake_case (`BlogPost` → `blog_post`, `createdAt` → `created_at`); table names
 * are not pluralized unless asked (`new SnakeCaseNamingStrategy({ pluralTables: true })`).
 * Names given explicitly (`@Entity('users')`, `@Column({ name })`, `joinColumn`, `joinTable`)
 * are used as they are.
 */
export interface NamingStrategy {
  /** Table of an entity class: `BlogPost` → `blog_post`. */
  tableName(className: string): string;
  /** Column of a property: `createdAt` → `created_at`. */
  columnName(propertyName: string): string;
  /** Foreign-key column of a to-one relationship: (`author`, `id`) → `author_id`. */
  joinColumnName(relationName: string, referencedColumn: string): string;
  /** Generated many-to-many table: (`post`, `tags`) → `post_tags`. */
  joinTableName(ownerTable: string, relationName: string): string;
  /**
   * A column of a generated many-to-many table referencing one side's key:
   * (`Post`, `id`) → `post_id`. `relationName` is given for the target side of a
   * self-referential relationship, whose columns would otherwise collide (`friends` → `friend_id`).
   */
  joinTableColumnName(className: string, referencedColumn: string, relationName?: string): string;
}

/** `createdAt` → `created_at`, `HTTPServer` → `http_server`, `userID2` → `user_id2`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z\d])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

/** A small English pluralizer for table names: `category` → `categories`, `box` → `boxes`. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The inverse of `pluralize` for the common cases: `categories` → `category`, `tags` → `tag`. */
export function singularize(word: string): string {
  if (/[^aeiou]ies$/i.test(word)) return `${word.slice(0, -3)}y`;
  if (/(s|x|z|ch|sh)es$/i.test(word)) return word.slice(0, -2);
  if (/[^s]s$/i.test(word)) return word.slice(0, -1);
  return word;
}

export interface SnakeCaseNamingOptions {
  /** Pluralize table names: `User` → `users`. Default false. */
  readonly pluralTables?: boolean;
}

export class SnakeCaseNamingStrategy implements NamingStrategy {
  private readonly pluralTables: boolean;

  constructor(options: SnakeCaseNamingOptions = {}) {
    this.pluralTables = options.pluralTables ?? false;
  }

  tableName(className: string): string {
    const name = snakeCase(className);
    if (!this.pluralTables) return name;
    const parts = name.split('_');
    parts[parts.length - 1] = pluralize(parts[parts.length - 1]!);
    return parts.join('_');
  }

  columnName(propertyName: string): string {
    return snakeCase(propertyName);
  }

  joinColumnName(relationName: string, referencedColumn: string): string {
    return `${snakeCase(relationName)}_${referencedColumn}`;
  }

  joinTableName(ownerTable: string, relationName: string): string {
    return `${ownerTable}_${snakeCase(relationName)}`;
  }

  joinTableColumnName(className: string, referencedColumn: string, relationName?: string): string {
    const base = relationName === undefined ? snakeCase(className) : singularize(snakeCase(relationName));
    return `${base}_${referencedColumn}`;
  }
}

/** Names exactly as written in the code: `BlogPost` → `BlogPost`, `createdAt` → `createdAt`. */
export class PreserveNamingStrategy implements NamingStrategy {
  tableName(className: string): string {
    return className;
  }

  columnName(propertyName: string): string {
    return propertyName;
  }

  joinColumnName(relationName: string, referencedColumn: string): string {
    return `${relationName}${referencedColumn.charAt(0).toUpperCase()}${referencedColumn.slice(1)}`;
  }

  joinTableName(ownerTable: string, relationName: string): string {
    return `${ownerTable}_${relationName}`;
  }

  joinTableColumnName(className: string, referencedColumn: string, relationName?: string): string {
    const base = relationName === undefined ? `${className.charAt(0).toLowerCase()}${className.slice(1)}` : singularize(relationName);
    return `${base}${referencedColumn.charAt(0).toUpperCase()}${referencedColumn.slice(1)}`;
  }
}

export const defaultNamingStrategy: NamingStrategy = new SnakeCaseNamingStrategy();
