#pragma once
// The 16 emotion classes in their fixed one-hot order (ARCHITECTURE.md §2) and the
// tag aliases people type ("happy" → joy), kept as data in data/emotion/aliases.json.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace emosync::emotion {

constexpr std::size_t kCount = 16;
constexpr std::size_t kNeutral = 0;

const std::array<std::string_view, kCount>& names();

// Class index of a canonical name or alias, case-insensitive; nullopt if unknown.
std::optional<std::size_t> find(std::string_view name_or_alias);
// Like find, but throws emosync::Error listing the valid names.
std::size_t parse(std::string_view name_or_alias);
// "neutral, joy, ... (aliases: happy, sad, ...)" for error messages and --help.
std::string valid_names_text();

}  // namespace emosync::emotion
