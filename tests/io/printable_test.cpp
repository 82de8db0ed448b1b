#include <gtest/gtest.h>

#include "io/printable.h"

using emosync::io::printable;

TEST(Printable, ControlBytesAndInvalidUtf8AreEscaped) {
  EXPECT_EQ(printable("plain text"), "plain text");
  EXPECT_EQ(printable("\x1b[31mred\x07"), "\\x1b[31mred\\x07");
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable("back\\slash"), "back\\\\slash");
  EXPECT_EQ(printable("caf\xc3\xa9 \xe2\x80\x94"), "caf\xc3\xa9 \xe2\x80\x94");  // UTF-8 stays readable
  EXPECT_EQ(printable("\xff\xc3"), "\\xff\\xc3");                                // invalid or cut UTF-8
  EXPECT_EQ(printable("\xc2\x9b"), "\\xc2\\x9b");                                // C1 control (CSI)
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");                       // a surrogate
}

TEST(Printable, LongInputIsCut) {
  EXPECT_EQ(printable(std::string(100, 'x'), 5), "xxxxx...");
  EXPECT_EQ(printable("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\xc3\xa9\xc3\xa9...");
  EXPECT_EQ(printable("abc", 3), "abc");
}
