// SPDX-License-Identifier: Apache-2.0
// Source files, their line index, and the manager that owns them.
//
// A SourceFile records the byte offset at which every line starts (0, then one past each '\n'),
// once, when it is built; Position() is then a binary search over those starts instead of a rescan
// of the text per diagnostic. The conventions are the ones editors use:
//   - A line ends at '\n'. A "\r\n" terminator is not part of the line: Line() strips the '\r'
//     (but a lone '\r' that is not followed by '\n' is ordinary text).
//   - A text ending in '\n' has an empty last line after it, so the end-of-file offset of
//     "a\nb\n" is line 3, column 1 and line_count() is 3. An empty text has one empty line.
//   - Lines and columns are 1-based and the column counts bytes, not characters (the renderer in
//     diag/diagnostic.cc turns bytes into display columns).
// Offset() is the inverse of Position() (exactly: Offset(Position(o)) == o for every o up to the
// text's size) and clamps: line 0 and column 0 mean 1, a line past the last one means the end of
// the text, and a column past the end of its line means the offset of that line's '\n' (the end of
// the text for the last line), so a position never spills into the next line.
//
// Offsets are uint32_t (SourceSpan's type), so texts are limited to 4 GiB - 1 bytes: Load()
// rejects bigger files; the constructor is only ever given such text by a caller that ignored
// that limit, and then positions beyond it are clamped.
//
// SourceManager owns the files of one load; a FileId is the file's index + 1 so that 0 can mean
// "no file". Files are never removed or modified once added: AddFile() with a name that is
// already present adds a new file and makes the name point at it, so ids (and spans) handed out
// for the old text stay valid.
#include "triage/source.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "triage/status.h"

namespace triage {
namespace {

constexpr uint64_t kMaxTextSize = std::numeric_limits<uint32_t>::max();

// Returns the size of `text` as a uint32_t offset, clamped to the largest representable one.
uint32_t ClampedSize(const std::string& text) {
  return static_cast<uint32_t>(std::min<uint64_t>(text.size(), kMaxTextSize));
}

// Names a kind of file that is not a regular file or a directory, for messages.
const char* FileTypeName(std::filesystem::file_type type) {
  using T = std::filesystem::file_type;
  switch (type) {
    case T::fifo:
      return "a fifo";
    case T::character:
      return "a character device";
    case T::block:
      return "a block device";
    case T::socket:
      return "a socket";
    default:
      return "a special file";
  }
}

// Returns a system error message with a lower-case start, as diagnostics and statuses are written.
std::string LowerFirst(std::string message) {
  if (!message.empty() && message[0] >= 'A' && message[0] <= 'Z') {
    message[0] = static_cast<char>(message[0] - 'A' + 'a');
  }
  return message;
}

}  // namespace

SourceFile::SourceFile(std::string name, std::string text)
    : name_(std::move(name)), text_(std::move(text)) {
  line_starts_.push_back(0);
  const uint32_t size = ClampedSize(text_);
  for (uint32_t i = 0; i < size; ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

LineColumn SourceFile::Position(uint32_t offset) const {
  offset = std::min(offset, ClampedSize(text_));
  // The last line start <= offset; line_starts_[0] == 0, so there always is one.
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto index = static_cast<uint32_t>(std::distance(line_starts_.begin(), it) - 1);
  LineColumn position;
  position.line = index + 1;
  position.column = offset - line_starts_[index] + 1;
  return position;
}

uint32_t SourceFile::Offset(uint32_t line, uint32_t column) const {
  if (line == 0) line = 1;
  if (line > line_count()) return ClampedSize(text_);
  if (column == 0) column = 1;
  const uint32_t start = line_starts_[line - 1];
  const uint32_t end = line < line_count() ? line_starts_[line] - 1 : ClampedSize(text_);  // '\n'
  return start + std::min(column - 1, end - start);
}

std::string_view SourceFile::Line(uint32_t line) const {
  if (line == 0 || line > line_count()) return {};
  const uint32_t start = line_starts_[line - 1];
  uint32_t end = line < line_count() ? line_starts_[line] - 1 : ClampedSize(text_);  // at '\n'
  if (line < line_count() && end > start && text_[end - 1] == '\r') --end;
  const std::string_view text = text_;
  return text.substr(start, end - start);
}

FileId SourceManager::AddFile(std::string name, std::string text) {
  files_.push_back(std::make_unique<SourceFile>(name, std::move(text)));
  const FileId id{static_cast<uint32_t>(files_.size())};
  by_name_[std::move(name)] = id;
  return id;
}

Result<FileId> SourceManager::Load(const std::string& path, size_t max_bytes) {
  if (FileId id = Find(path); id.valid()) return id;

  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) {
    return Status::NotFound("cannot read '" + path + "': no such file or directory");
  }
  if (ec) return Status::IoError("cannot read '" + path + "': " + LowerFirst(ec.message()));
  if (status.type() == fs::file_type::directory) {
    return Status::IoError("cannot read '" + path + "': is a directory");
  }
  if (status.type() != fs::file_type::regular) {
    return Status::IoError("cannot read '" + path + "': not a regular file (" +
                           FileTypeName(status.type()) + ")");
  }
  max_bytes = static_cast<size_t>(std::min<uint64_t>(max_bytes, kMaxTextSize));
  if (const uintmax_t size = fs::file_size(path, ec); !ec && size > max_bytes) {
    return Status::IoError("cannot read '" + path + "': file of " + std::to_string(size) +
                           " bytes is larger than the limit of " + std::to_string(max_bytes));
  }

  errno = 0;
  std::ifstream in(path, std::ios::in | std::ios::binary);
  if (!in) {
    const int error = errno;
    std::string reason =
        error != 0 ? LowerFirst(std::generic_category().message(error)) : "cannot open file";
    return Status::IoError("cannot read '" + path + "': " + reason);
  }
  // Read in chunks rather than by size: the file may be a pipe. A read error inside the stream
  // buffer (libstdc++ throws from underflow) is caught by read() and turned into badbit.
  std::string text;
  std::array<char, 1 << 14> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    text.append(buffer.data(), static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) {  // it grew since it was measured
      return Status::IoError("cannot read '" + path + "': file is larger than the limit of " +
                             std::to_string(max_bytes) + " bytes");
    }
  }
  if (in.bad()) return Status::IoError("cannot read '" + path + "': read error");
  return AddFile(path, std::move(text));
}

const SourceFile& SourceManager::file(FileId id) const {
  if (!id.valid() || id.value > files_.size()) {
    // A FileId from another manager (or a default one) is a bug in the caller.
    std::fprintf(stderr, "%s:%d: check failed: FileId %u not in this SourceManager\n", __FILE__,
                 __LINE__, static_cast<unsigned>(id.value));
    std::abort();
  }
  return *files_[id.value - 1];
}

FileId SourceManager::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? FileId{} : it->second;
}

}  // namespace triage
