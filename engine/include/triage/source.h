// SPDX-License-Identifier: Apache-2.0
// Source files and positions. Every rule file and config the engine reads is held by a
// SourceManager and named by a FileId; every AST node and diagnostic points into it with a
// SourceSpan of byte offsets. Lines and columns are computed on demand (1-based; the column counts
// bytes) from a line index built once per file.
#ifndef TRIAGE_SOURCE_H_
#define TRIAGE_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "triage/export.h"
#include "triage/status.h"

namespace triage {

// Identifies a file inside one SourceManager. Index 0 is "no file".
struct FileId {
  uint32_t value = 0;
  bool valid() const { return value != 0; }
  friend bool operator==(FileId a, FileId b) { return a.value == b.value; }
  friend bool operator!=(FileId a, FileId b) { return a.value != b.value; }
};

// A half-open byte range [begin, end) in one file.
struct SourceSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// A 1-based line and byte column.
struct LineColumn {
  uint32_t line = 1;
  uint32_t column = 1;
};

// One loaded file: its name as given (used in diagnostics) and its text. Immutable once added.
class TRIAGE_EXPORT SourceFile {
 public:
  SourceFile(std::string name, std::string text);

  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  // Returns the 1-based line and column of byte `offset` (clamped to the text's size).
  LineColumn Position(uint32_t offset) const;
  // Returns byte offset of 1-based (line, column), clamped to the text.
  uint32_t Offset(uint32_t line, uint32_t column) const;
  // Returns the text of 1-based `line`, without its line terminator.
  std::string_view Line(uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::string name_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

// Owns the files of one load. Files are added from memory (tests, embedding) or read from disk;
// a name already present is served from memory before the disk is tried. Not thread-safe.
class TRIAGE_EXPORT SourceManager {
 public:
  SourceManager() = default;
  SourceManager(const SourceManager&) = delete;
  SourceManager& operator=(const SourceManager&) = delete;

  // Adds (or replaces) an in-memory file and returns its id.
  FileId AddFile(std::string name, std::string text);
  // Returns the id of the file named `path`: the in-memory one if present, else reads it from
  // disk. Only a regular file is read (a FIFO, a device or a socket could block forever or never
  // end), and only up to `max_bytes`. Returns NotFound, or IoError for a file that cannot be
  // read, is not a regular file or is larger than max_bytes (the message says which).
  Result<FileId> Load(const std::string& path, size_t max_bytes = kMaxLoadBytes);

  // The most Load() reads by default: a source offset is 32-bit.
  static constexpr size_t kMaxLoadBytes = 0xFFFFFFFFu;
  // Returns the file with id `id`. REQUIRES: id was returned by this manager.
  const SourceFile& file(FileId id) const;
  // Returns the id of the file named `name`, or an invalid id.
  FileId Find(const std::string& name) const;
  size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
  std::map<std::string, FileId> by_name_;
};

}  // namespace triage

#endif  // TRIAGE_SOURCE_H_
