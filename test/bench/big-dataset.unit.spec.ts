import { renameExpression } from './big-dataset';

describe('big dataset copies', () => {
  it('suffixes identifier columns by type and leaves every other column as it is', () => {
    expect(renameExpression('project_id', 'LowCardinality(String)')).toBe("if(`project_id` = '', `project_id`, concat(`project_id`, concat('-c', toString(copy_no))))");
    expect(renameExpression('causation_id', 'Nullable(String)')).toContain("concat(`causation_id`, concat('-c'");
    expect(renameExpression('event_id', 'UUID')).toBe("reinterpretAsUUID(MD5(concat(toString(`event_id`), concat('-c', toString(copy_no)))))");
    expect(renameExpression('project_ids', 'Array(String)')).toBe("arrayMap(x -> if(x = '', x, concat(x, concat('-c', toString(copy_no)))), `project_ids`)");
    expect(renameExpression('project_ids', 'Array(LowCardinality(String))')).toContain('arrayMap(');
    for (const [name, type] of [['occurred_at', "DateTime64(3, 'UTC')"], ['state', 'LowCardinality(String)'], ['position', 'UInt64'], ['paid', 'Decimal(12, 2)'], ['rapid', 'String']]) {
      expect(renameExpression(name, type)).toBe(`\`${name}\``);
    }
  });
});
