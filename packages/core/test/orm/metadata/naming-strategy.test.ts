import { pluralize, PreserveNamingStrategy, singularize, snakeCase, SnakeCaseNamingStrategy } from '@athanor/core';

test.each([
  ['createdAt', 'created_at'],
  ['BlogPost', 'blog_post'],
  ['HTTPServer', 'http_server'],
  ['userID', 'user_id'],
  ['address2Line', 'address2_line'],
  ['already_snake', 'already_snake'],
  ['id', 'id'],
])('snakeCase(%s) = %s', (input, output) => {
  expect(snakeCase(input)).toBe(output);
});

test.each([
  ['user', 'users', 'user'],
  ['category', 'categories', 'category'],
  ['box', 'boxes', 'box'],
  ['match', 'matches', 'match'],
  ['day', 'days', 'day'],
  ['status', 'statuses', 'status'],
])('pluralize(%s) = %s and back', (word, plural, back) => {
  expect(pluralize(word)).toBe(plural);
  expect(singularize(plural)).toBe(back);
});

test('the snake_case strategy', () => {
  const s = new SnakeCaseNamingStrategy();
  expect(s.tableName('OrderLine')).toBe('order_line');
  expect(new SnakeCaseNamingStrategy({ pluralTables: true }).tableName('OrderLine')).toBe('order_lines');
  expect(s.columnName('unitPrice')).toBe('unit_price');
  expect(s.joinColumnName('billingAddress', 'id')).toBe('billing_address_id');
  expect(s.joinTableName('posts', 'relatedPosts')).toBe('posts_related_posts');
  expect(s.joinTableColumnName('BlogPost', 'id')).toBe('blog_post_id');
  expect(s.joinTableColumnName('User', 'id', 'followers')).toBe('follower_id');
});

test('the preserving strategy', () => {
  const s = new PreserveNamingStrategy();
  expect(s.tableName('OrderLine')).toBe('OrderLine');
  expect(s.columnName('unitPrice')).toBe('unitPrice');
  expect(s.joinColumnName('author', 'id')).toBe('authorId');
  expect(s.joinTableColumnName('BlogPost', 'id')).toBe('blogPostId');
});
