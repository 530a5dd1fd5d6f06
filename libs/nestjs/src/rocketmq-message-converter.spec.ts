import 'reflect-metadata';
import { Exclude, Type } from 'class-transformer';
import { DefaultRocketMQMessageConverter } from './rocketmq-message-converter';
import { MessageConversionError } from './rocketmq.errors';

class Item {
  name!: string;
}
class Order {
  id!: number;
  @Type(() => Item)
  items!: Item[];
  @Exclude()
  secret?: string;
  total(): number {
    return this.items.length;
  }
}

describe('DefaultRocketMQMessageConverter', () => {
  const converter = new DefaultRocketMQMessageConverter();

  it('passes strings and buffers through and JSON-encodes the rest', () => {
    expect(converter.toBody('héllo').toString('utf8')).toBe('héllo');
    const buf = Buffer.from([1, 2, 3]);
    expect(converter.toBody(buf)).toBe(buf);
    expect(converter.toBody(new Uint8Array([4, 5]))).toEqual(Buffer.from([4, 5]));
    expect(converter.toBody({ a: 1 }).toString()).toBe('{"a":1}');
    expect(converter.toBody([1, 'x']).toString()).toBe('[1,"x"]');
    expect(converter.toBody(42).toString()).toBe('42');
  });

  it('applies class-transformer to class instances (excluded fields do not travel)', () => {
    const order = Object.assign(new Order(), { id: 7, items: [], secret: 's3cret' });
    expect(JSON.parse(converter.toBody(order).toString())).toEqual({ id: 7, items: [] });
  });

  it('rejects null, undefined and values without a JSON form', () => {
    expect(() => converter.toBody(null)).toThrow(MessageConversionError);
    expect(() => converter.toBody(undefined)).toThrow(/cannot be empty/);
    expect(() => converter.toBody(() => 1)).toThrow(MessageConversionError);
  });

  it('decodes to the declared type', () => {
    const body = Buffer.from('{"id":1,"items":[{"name":"a"}]}');
    const order = converter.fromBody(body, Order) as Order;
    expect(order).toBeInstanceOf(Order);
    expect(order.items[0]).toBeInstanceOf(Item);
    expect(order.total()).toBe(1);
    expect(converter.fromBody(body, String)).toBe('{"id":1,"items":[{"name":"a"}]}');
    expect(converter.fromBody(body, Buffer)).toBe(body);
    expect(converter.fromBody(Buffer.from('5'), Number)).toBe(5);
  });

  it('parses JSON when no type is declared and falls back to the string', () => {
    expect(converter.fromBody(Buffer.from('{"a":[1]}'), undefined)).toEqual({ a: [1] });
    expect(converter.fromBody(Buffer.from('not json'), undefined)).toBe('not json');
  });

  it('fails with MessageConversionError when a class is declared and the body is not a JSON object', () => {
    expect(() => converter.fromBody(Buffer.from('nope'), Order)).toThrow(MessageConversionError);
    expect(() => converter.fromBody(Buffer.from('3'), Order)).toThrow(/expected a JSON object/);
  });
});
