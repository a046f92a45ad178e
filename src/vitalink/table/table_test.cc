#include "vitalink/table/table.h"

#include <gtest/gtest.h>

#include "vitalink/common/date.h"

namespace vitalink {
namespace {

TEST(TableTest, TypedColumnsWithNulls) {
  auto pool = std::make_shared<StringPool>();
  Table t(pool);
  Column& name = t.AddColumn("name", FieldType::kText);
  Column& born = t.AddColumn("birth_date", FieldType::kDate);
  Column& weight = t.AddColumn("birth_weight", FieldType::kInteger);
  name.AppendString(pool->Intern("张伟"));
  born.AppendDate(DaysFromCivil({2011, 1, 13}));
  weight.AppendInt(3200);
  t.AppendRowOrigin(2);
  name.AppendNull();
  born.AppendNull();
  weight.AppendNull();
  t.AppendRowOrigin(4);
  ASSERT_TRUE(t.Validate().ok());
  EXPECT_EQ(t.num_rows(), 2);
  EXPECT_EQ(t.ValueAsString(0, 0), "张伟");
  EXPECT_EQ(t.ValueAsString(0, 1), "2011-01-13");
  EXPECT_EQ(t.ValueAsString(0, 2), "3200");
  EXPECT_TRUE(t.column(1).IsNull(1));
  EXPECT_EQ(t.ValueAsString(1, 2), "");
  EXPECT_EQ(t.origin_line(1), 4);
  EXPECT_EQ(t.FindColumn("birth_weight"), 2);
  EXPECT_EQ(t.GetColumn("nope"), nullptr);
}

TEST(TableTest, ValidateCatchesRaggedColumns) {
  Table t(std::make_shared<StringPool>());
  t.AddColumn("a", FieldType::kInteger).AppendInt(1);
  t.AddColumn("b", FieldType::kInteger);
  t.AppendRowOrigin(1);
  EXPECT_FALSE(t.Validate().ok());
}

}  // namespace
}  // namespace vitalink
