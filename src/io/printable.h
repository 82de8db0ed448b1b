#pragma once
// User bytes echoed in an error message go through printable(): a control byte, an
// escape sequence or invalid UTF-8 in a file must not reach the user's terminal
// (or a log) as is, and a megabyte-long token must not become a megabyte message.
#include <cstddef>
#include <string>
#include <string_view>

namespace emosync::io {

// `s` with control bytes (C0, DEL, C1) and bytes that are not valid UTF-8 written as
// \xNN and a backslash as \\; valid UTF-8 text stays readable. Longer than max_chars
// characters: cut there, with "..." appended.
std::string printable(std::string_view s, std::size_t max_chars = 60);

}  // namespace emosync::io
