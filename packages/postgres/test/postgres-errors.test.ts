import {
  CheckViolationError,
  ConnectionError,
  DataError,
  DeadlockError,
  ForeignKeyViolationError,
  IntegrityError,
  LockTimeoutError,
  NotNullViolationError,
  OperationalError,
  ProgrammingError,
  SerializationError,
  UniqueViolationError,
} from '@athanor/core';
import { classifyPostgresError, translatePostgresError } from '@athanor/postgres';

/** pg's DatabaseError carries the SQLSTATE as `code` (and a `detail`). */
const pgError = (code: string, message = 'boom', detail?: string) => Object.assign(new Error(message), { code, detail });
const nodeError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -1 });

const NONE = { disconnect: false, transient: false };
const RETRY = { disconnect: false, transient: true };
const LOST = { disconnect: true, transient: true };

describe('translatePostgresError / classifyPostgresError by SQLSTATE', () => {
  test.each([
    ['23505', UniqueViolationError, NONE],
    ['23503', ForeignKeyViolationError, NONE],
    ['23502', NotNullViolationError, NONE],
    ['23514', CheckViolationError, NONE],
    ['23P01', IntegrityError, NONE], // exclusion violation: the class, not a subclass
    ['40P01', DeadlockError, RETRY],
    ['40001', SerializationError, RETRY],
    ['55P03', LockTimeoutError, RETRY],
    ['57P01', ConnectionError, LOST],
    ['57P02', ConnectionError, LOST],
    ['57P03', ConnectionError, LOST],
    ['08006', ConnectionError, LOST],
    ['08001', ConnectionError, LOST],
    ['28P01', ConnectionError, { disconnect: true, transient: false }],
    ['42601', ProgrammingError, NONE],
    ['42P01', ProgrammingError, NONE],
    ['42703', ProgrammingError, NONE],
    ['0A000', ProgrammingError, NONE],
    ['3D000', ProgrammingError, NONE],
    ['22P02', DataError, NONE],
    ['22003', DataError, NONE],
    ['22021', DataError, NONE],
    ['21000', ProgrammingError, NONE],
    ['25006', ProgrammingError, NONE], // write in a READ ONLY transaction
    ['25P02', ProgrammingError, NONE],
    ['2BP01', ProgrammingError, NONE],
    ['57014', OperationalError, NONE], // statement timeout
    ['53300', OperationalError, NONE], // too many connections
  ] as const)('%s → %p %p', (code, type, classification) => {
    const cause = pgError(code);
    const error = translatePostgresError(cause, 'SELECT $1', [1]);
    expect(error.constructor).toBe(type);
    expect(error).toMatchObject({ driverCode: code, sql: 'SELECT $1', params: [1] });
    expect(error.cause).toBe(cause);
    expect(classifyPostgresError(cause)).toEqual(classification);
    expect(classifyPostgresError(error)).toEqual(classification);
  });

  test('adds the detail to the message', () => {
    const error = translatePostgresError(pgError('23505', 'duplicate key value', 'Key (id)=(1) already exists.'));
    expect(error.message).toBe('duplicate key value (Key (id)=(1) already exists.)');
  });
});

describe('connection failures without a SQLSTATE', () => {
  test.each(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'])('%s → ConnectionError, disconnect, transient', (code) => {
    const error = translatePostgresError(nodeError(code));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.driverCode).toBe(code);
    expect(classifyPostgresError(nodeError(code))).toEqual(LOST);
    expect(classifyPostgresError(error)).toEqual(LOST);
  });

  test.each([
    'Connection terminated unexpectedly',
    'Connection terminated',
    'Client has encountered a connection error and is not queryable',
    'Client was closed and is not queryable',
  ])('"%s" → ConnectionError', (message) => {
    const error = translatePostgresError(new Error(message));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(classifyPostgresError(new Error(message))).toEqual(LOST);
    expect(classifyPostgresError(error)).toEqual(LOST);
  });

  test("Node's AggregateError from a refused happy-eyeballs connect", () => {
    const aggregate = new AggregateError([nodeError('ECONNREFUSED'), nodeError('ECONNREFUSED')], '');
    const error = translatePostgresError(aggregate);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  test('anything else is an OperationalError that is not retried', () => {
    expect(translatePostgresError(new Error('weird'))).toBeInstanceOf(OperationalError);
    expect(classifyPostgresError(new Error('weird'))).toEqual(NONE);
  });
});
