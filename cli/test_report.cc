// SPDX-License-Identifier: Apache-2.0
// JUnit XML for `triage test` (test_report.h).

#include "test_report.h"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/status.h"

#include "markup_escape.h"

namespace triage::cli {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Returns the length of the well-formed UTF-8 sequence at text[i], or 0 if there is none.
size_t Utf8SequenceLength(const std::string& text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  size_t length = 0;
  uint32_t min = 0;
  uint32_t code = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    min = 0x80;
    code = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    min = 0x800;
    code = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    min = 0x10000;
    code = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates, beyond Unicode, and U+FFFE/U+FFFF (not XML characters).
  if (code < min || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF || code == 0xFFFE ||
      code == 0xFFFF) {
    return 0;
  }
  return length;
}

std::string Attribute(const char* name, const std::string& value) {
  return std::string(" ") + name + "=\"" + XmlEscape(value) + "\"";
}

std::string Attribute(const char* name, size_t value) {
  return std::string(" ") + name + "=\"" + std::to_string(value) + "\"";
}

std::string ClassName(const std::string& path) {
  std::string name = path;
  const size_t slash = name.rfind('/');
  const size_t dot = name.rfind('.');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) name.resize(dot);
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  while (!name.empty() && name[0] == '/') name.erase(0, 1);
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

std::string Join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace

size_t SuiteOutcome::Count(CaseStatus status) const {
  return static_cast<size_t>(std::count_if(
      cases.begin(), cases.end(), [status](const CaseOutcome& c) { return c.status == status; }));
}

std::string XmlEscape(const std::string& text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const size_t length = Utf8SequenceLength(text, i);
      if (length == 0) {
        out += kReplacement;
        ++i;
      } else {
        out.append(text, i, length);
        i += length;
      }
      continue;
    }
    if (const std::string_view reference = MarkupReference(c); !reference.empty()) {
      out += reference;
      ++i;
      continue;
    }
    switch (c) {
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      default:
        if (u < 0x20 || u == 0x7F) {
          out += kReplacement;  // not allowed in XML 1.0 (0x7F is, but is never useful here)
        } else {
          out.push_back(c);
        }
    }
    ++i;
  }
  return out;
}

std::string RenderJUnitXml(const std::vector<SuiteOutcome>& suites) {
  size_t tests = 0;
  size_t failures = 0;
  size_t errors = 0;
  for (const SuiteOutcome& suite : suites) {
    tests += suite.cases.size();
    failures += suite.Count(CaseStatus::kFailed);
    errors += suite.Count(CaseStatus::kError);
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites" + Attribute("name", std::string("triage")) + Attribute("tests", tests) +
         Attribute("failures", failures) + Attribute("errors", errors) + ">\n";
  for (const SuiteOutcome& suite : suites) {
    xml += "  <testsuite" + Attribute("name", suite.path) + Attribute("tests", suite.cases.size()) +
           Attribute("failures", suite.Count(CaseStatus::kFailed)) +
           Attribute("errors", suite.Count(CaseStatus::kError)) + Attribute("skipped", size_t{0}) +
           ">\n";
    const std::string classname = ClassName(suite.path);
    for (const CaseOutcome& c : suite.cases) {
      xml += "    <testcase" + Attribute("name", c.name) + Attribute("classname", classname) +
             Attribute("file", suite.path) + Attribute("line", size_t{c.line});
      if (c.status == CaseStatus::kPassed) {
        xml += "/>\n";
        continue;
      }
      const char* element = c.status == CaseStatus::kFailed ? "failure" : "error";
      const char* type = c.status == CaseStatus::kFailed ? "expectation" : "invalid";
      std::string body = Join(c.problems, "\n");
      if (!c.detail.empty()) body += (body.empty() ? "" : "\n") + c.detail;
      xml += ">\n      <" + std::string(element) + Attribute("message", Join(c.problems, "; ")) +
             Attribute("type", std::string(type)) + ">" + XmlEscape(body, false) + "</" + element +
             ">\n    </testcase>\n";
    }
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  return xml;
}

namespace {

class ConsoleTestReporter : public TestReporter {
 public:
  ConsoleTestReporter(bool verbose, bool color) : verbose_(verbose), color_(color) {}

  void ReportCase(const std::string& path, const CaseOutcome& outcome) override {
    const bool passed = outcome.status == CaseStatus::kPassed;
    if (passed && !verbose_) return;
    std::string line = path + (outcome.line > 0 ? ":" + std::to_string(outcome.line) : "") + ": ";
    line += passed ? Colored("32", "PASS") : Colored("31", "FAIL");
    line += " " + outcome.name;
    if (!passed && !outcome.problems.empty()) {
      line += ": ";
      // An invalid case: its first problem here, all of them on stderr.
      const size_t shown = outcome.status == CaseStatus::kError ? 1 : outcome.problems.size();
      for (size_t i = 0; i < shown; ++i) line += (i == 0 ? "" : "; ") + outcome.problems[i];
    }
    line += '\n';
    if (verbose_ && outcome.status == CaseStatus::kFailed && !outcome.detail.empty()) {
      line += "    " + outcome.detail + "\n";
    }
    std::fwrite(line.data(), 1, line.size(), stdout);
  }

  Status Finish(const std::vector<SuiteOutcome>& suites) override {
    size_t passed = 0;
    size_t failed = 0;
    for (const SuiteOutcome& suite : suites) {
      passed += suite.Count(CaseStatus::kPassed);
      failed += suite.cases.size() - suite.Count(CaseStatus::kPassed);
    }
    std::printf("%zu passed, %zu failed\n", passed, failed);
    // Not reported: a closed stdout has no reader to tell.
    if (std::fflush(stdout) != 0) return Status::IoError("writing the results failed");
    return Status::Ok();
  }

 private:
  std::string Colored(const char* code, const char* text) const {
    if (!color_) return text;
    return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
  }

  bool verbose_;
  bool color_;
};

class JUnitTestReporter : public TestReporter {
 public:
  explicit JUnitTestReporter(std::string path) : path_(std::move(path)) {}

  void ReportCase(const std::string& /*path*/, const CaseOutcome& /*outcome*/) override {}

  Status Finish(const std::vector<SuiteOutcome>& suites) override {
    const std::string xml = RenderJUnitXml(suites);
    int error = 0;
    std::FILE* out = std::fopen(path_.c_str(), "wb");
    if (out == nullptr) {
      error = errno;
    } else {
      if (std::fwrite(xml.data(), 1, xml.size(), out) != xml.size()) {
        error = errno != 0 ? errno : EIO;
      }
      if (std::fclose(out) != 0 && error == 0) error = errno;
    }
    if (out == nullptr || error != 0) {
      return Status::IoError("cannot write '" + path_ +
                             "': " + std::strerror(error != 0 ? error : EIO));
    }
    return Status::Ok();
  }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<TestReporter> MakeConsoleTestReporter(bool verbose, bool color) {
  return std::make_unique<ConsoleTestReporter>(verbose, color);
}

std::unique_ptr<TestReporter> MakeJUnitTestReporter(std::string path) {
  return std::make_unique<JUnitTestReporter>(std::move(path));
}

}  // namespace triage::cli
