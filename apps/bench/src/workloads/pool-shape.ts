/**
 * The pool P1 and POOL use: 10 kept + 10 overflow for Athanor (SQLAlchemy's QueuePool), and
 * the same ceiling of 20 connections for the drivers' own pools, which have no overflow.
 */
export const ATHANOR_POOL = { size: 10, maxOverflow: 10 } as const;
export const DRIVER_POOL_MAX = ATHANOR_POOL.size + ATHANOR_POOL.maxOverflow;
