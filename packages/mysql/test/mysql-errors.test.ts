import {
  CheckViolationError,
  ConnectionError,
  DataError,
  DeadlockError,
  ForeignKeyViolationError,
  LockTimeoutError,
  NotNullViolationError,
  OperationalError,
  ProgrammingError,
  UniqueViolationError,
} from '@athanor/core';
import { classifyMysqlError, translateMysqlError } from '@athanor/mysql';

/** mysql2's server errors: errno, code, sqlState; fatal when the connection is gone. */
const serverError = (errno: number, code = 'ER_X', fatal = false) =>
  Object.assign(new Error(`server said ${errno}`), { errno, code, sqlState: 'HY000', fatal });
const clientError = (code: string, errno?: number) => Object.assign(new Error(`client said ${code}`), { code, errno, fatal: true });

const NONE = { disconnect: false, transient: false };
const RETRY = { disconnect: false, transient: true };
const LOST = { disconnect: true, transient: true };

describe('translateMysqlError / classifyMysqlError by errno', () => {
  test.each([
    [1062, UniqueViolationError, NONE],
    [1586, UniqueViolationError, NONE],
    [1451, ForeignKeyViolationError, NONE],
    [1452, ForeignKeyViolationError, NONE],
    [1216, ForeignKeyViolationError, NONE],
    [1217, ForeignKeyViolationError, NONE],
    [1048, NotNullViolationError, NONE],
    [1364, NotNullViolationError, NONE],
    [3819, CheckViolationError, NONE],
    [4025, CheckViolationError, NONE],
    [1213, DeadlockError, RETRY],
    [1205, LockTimeoutError, RETRY],
    [2006, ConnectionError, LOST],
    [2013, ConnectionError, LOST],
    [1927, ConnectionError, LOST],
    [1053, ConnectionError, LOST],
    [1040, ConnectionError, LOST],
    [1045, ConnectionError, { disconnect: true, transient: false }],
    [1064, ProgrammingError, NONE],
    [1146, ProgrammingError, NONE],
    [1054, ProgrammingError, NONE],
    [1273, ProgrammingError, NONE],
    [1792, ProgrammingError, NONE],
    [1242, ProgrammingError, NONE],
    [1406, DataError, NONE],
    [1264, DataError, NONE],
    [1292, DataError, NONE],
    [1366, DataError, NONE],
    [1317, OperationalError, NONE], // query interrupted: not in the table
  ] as const)('%s → %p %p', (errno, type, classification) => {
    const cause = serverError(errno);
    const error = translateMysqlError(cause, 'SELECT ?', [1]);
    expect(error.constructor).toBe(type);
    expect(error).toMatchObject({ driverCode: errno, sql: 'SELECT ?', params: [1] });
    expect(error.cause).toBe(cause);
    expect(classifyMysqlError(cause)).toEqual(classification);
    expect(classifyMysqlError(error)).toEqual(classification);
  });
});

describe('client and socket errors', () => {
  test.each([
    ['PROTOCOL_CONNECTION_LOST', undefined],
    ['ECONNRESET', -104],
    ['ECONNREFUSED', -111],
    ['EPIPE', -32],
    ['ETIMEDOUT', -110],
    ['PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', undefined],
  ] as const)('%s → ConnectionError, disconnect, transient', (code, errno) => {
    const cause = clientError(code, errno);
    const error = translateMysqlError(cause);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.driverCode).toBe(code);
    expect(classifyMysqlError(cause)).toEqual(LOST);
    expect(classifyMysqlError(error)).toEqual(LOST);
  });

  test('"Can\'t add new command when connection is in closed state" is a lost connection', () => {
    const cause = new Error("Can't add new command when connection is in closed state");
    expect(translateMysqlError(cause)).toBeInstanceOf(ConnectionError);
    expect(classifyMysqlError(cause)).toEqual(LOST);
  });

  test('a fatal error the table does not know is still a lost connection', () => {
    expect(classifyMysqlError(clientError('SOMETHING_NEW'))).toEqual(LOST);
  });

  test('anything else is an OperationalError that is not retried', () => {
    expect(translateMysqlError(new Error('weird'))).toBeInstanceOf(OperationalError);
    expect(classifyMysqlError(new Error('weird'))).toEqual(NONE);
  });
});
