// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `triage filter --input twilio-form|cybertipline-xml` (cli/input_format.cc,
// docs/adapters.md): one output line per non-blank input line, bad ones included; the sender's
// number nowhere in stdout, stderr or the audit store; the same bytes for any --jobs; the secret
// never on the command line.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/cli_harness.h"
#include "support/run_process.h"
#include "unit/audit/audit_fixture.h"

namespace triage {
namespace {

using test_support::ErrorCodeOf;
using test_support::ErrorLineNumberOf;
using test_support::IsJson;
using test_support::ProcessResult;
using test_support::RunTriage;
using test_support::SplitLines;
using test_support::TempRulePack;

constexpr const char* kPhone = "5555550123";

// Twilio webhook bodies, one per line: good ones, a blank line, and one of each conversion error.
std::string FormInput() {
  const std::string lines[] = {
      // 1 ok: a keyword
      "MessageSid=SM1&From=%2B15555550123&To=%2B15555550100&Body=HELP&NumMedia=0&"
      "received_at=2026-11-02T10%3A00%3A00Z",
      // 2 ok: the same sender, a case, with an image (its URL is never kept)
      "MessageSid=SM2&From=%2B15555550123&To=%2B15555550100&Body=I+am+13+yo+and+he+wants+to+meet+"
      "up+tonight&NumMedia=1&MediaContentType0=image%2Fjpeg&"
      "MediaUrl0=https%3A%2F%2Fmedia.example%2FME1&received_at=2026-11-02T10%3A01%3A00Z",
      "",  // 3 blank
      // 4 invalid_form
      "MessageSid=SM3&From=%2B15555550123&Body=100%&received_at=2026-11-02T10%3A02%3A00Z",
      // 5 missing_field: no received_at
      "MessageSid=SM4&From=%2B15555550123&Body=hello",
      // 6 duplicate_key
      "MessageSid=SM5&From=%2B15555550123&From=%2B15555550124&Body=hi&"
      "received_at=2026-11-02T10%3A03%3A00Z",
      // 7 invalid_utf8
      "MessageSid=SM6&From=%2B15555550123&Body=caf%FF&received_at=2026-11-02T10%3A04%3A00Z",
      // 8 invalid_timestamp
      "MessageSid=SM7&From=%2B15555550123&Body=hi&received_at=%2B15555550123",
      // 9 ok, CRLF
      "MessageSid=SM8&From=%2B15555550123&Body=thanks&received_at=2026-11-02T10%3A05%3A00Z\r",
  };
  std::string input;
  for (const std::string& line : lines) input += line + "\n";
  return input;
}

// The count printed on the summary line of `what` in `triage replay`'s output, or -1.
int64_t CountOf(const std::string& out, const std::string& what) {
  for (const std::string& line : SplitLines(out)) {
    if (line.rfind("  " + what + " ", 0) != 0) continue;
    return std::stoll(line.substr(2 + what.size()));
  }
  return -1;
}

class FilterInputTest : public ::testing::Test {
 protected:
  ProcessResult Forms(const std::string& input, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"filter",  "--config",    pack_.config(),
                                     "--input", "twilio-form", "--sender-secret-file",
                                     secret_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTriage(args, input);
  }

  TempRulePack pack_;
  std::string secret_ = pack_.AddFile("sender.key", "a-test-key\n");
};

TEST_F(FilterInputTest, TwilioFormsGiveOneLinePerBodyBadOnesIncluded) {
  const ProcessResult result = Forms(FormInput());
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.err, "");
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 8U) << result.out;
  for (const std::string& line : lines) EXPECT_TRUE(IsJson(line)) << line;
  EXPECT_EQ(ErrorCodeOf(lines[0]), "");
  EXPECT_NE(lines[0].find(R"("id":"SM1","kind":"sms","channel":"sms","from":"h:)"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find(R"("media":{"count":1,"content_types":["image/jpeg"]})"),
            std::string::npos)
      << lines[1];
  EXPECT_NE(lines[1].find(R"("band":"P1")"), std::string::npos) << lines[1];
  const struct {
    size_t output;
    int64_t line;
    const char* code;
  } errors[] = {{2, 4, "invalid_form"},
                {3, 5, "missing_field"},
                {4, 6, "duplicate_key"},
                {5, 7, "invalid_utf8"},
                {6, 8, "invalid_timestamp"}};
  for (const auto& e : errors) {
    EXPECT_EQ(ErrorCodeOf(lines[e.output]), e.code) << lines[e.output];
    EXPECT_EQ(ErrorLineNumberOf(lines[e.output]), e.line) << lines[e.output];
  }
  EXPECT_NE(lines[7].find(R"("id":"SM8")"), std::string::npos);
  EXPECT_NE(lines[7].find(R"("body":"thanks")"), std::string::npos) << lines[7];
}

TEST_F(FilterInputTest, NoPhoneNumberInOutputOrStderrInEitherMode) {
  for (const char* mode : {"annotate", "decision"}) {
    const ProcessResult result = Forms(FormInput(), {"--output", mode});
    EXPECT_EQ(result.out.find(kPhone), std::string::npos) << mode;
    EXPECT_EQ(result.err.find(kPhone), std::string::npos) << mode;
    EXPECT_EQ(result.out.find("media.example"), std::string::npos) << mode;
  }
}

TEST_F(FilterInputTest, MessagesOfOneSenderThreadIntoOneConversation) {
  const ProcessResult result = Forms(FormInput(), {"--output", "decision"});
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 8U);
  const auto conversation_of = [](const std::string& line) {
    const size_t at = line.find(R"("conversation":{"id":")");
    return at == std::string::npos ? std::string() : line.substr(at, line.find(',', at) - at);
  };
  EXPECT_NE(conversation_of(lines[0]), "");
  EXPECT_EQ(conversation_of(lines[1]), conversation_of(lines[0]));
  EXPECT_NE(lines[1].find(R"("index":2)"), std::string::npos) << lines[1];
}

TEST_F(FilterInputTest, OutputIsTheSameForAnyJobs) {
  std::string input;
  for (int i = 0; i < 200; ++i) input += FormInput();
  const ProcessResult one = Forms(input, {"--jobs", "1"});
  const ProcessResult four = Forms(input, {"--jobs", "4"});
  EXPECT_EQ(SplitLines(one.out).size(), 1600U);
  EXPECT_EQ(one.out, four.out);
}

TEST_F(FilterInputTest, SecretComesFromAFileOrTheEnvironmentNeverTheCommandLine) {
  const ProcessResult none =
      RunTriage({"filter", "--config", pack_.config(), "--input", "twilio-form"}, FormInput());
  EXPECT_EQ(none.exit_code, 2) << none.err;
  EXPECT_EQ(none.out, "");
  const ProcessResult env =
      RunTriage({"filter", "--config", pack_.config(), "--input", "twilio-form"}, FormInput(),
                {"TRIAGE_SENDER_SECRET=a-test-key"});
  EXPECT_EQ(env.out, Forms(FormInput()).out);  // the file's trailing newline is not the key
  const ProcessResult env_file =
      RunTriage({"filter", "--config", pack_.config(), "--input", "twilio-form"}, FormInput(),
                {"TRIAGE_SENDER_SECRET_FILE=" + secret_});
  EXPECT_EQ(env_file.out, env.out);
  const ProcessResult other =
      RunTriage({"filter", "--config", pack_.config(), "--input", "twilio-form"}, FormInput(),
                {"TRIAGE_SENDER_SECRET=another-key"});
  EXPECT_NE(other.out, env.out);  // a keyed hash: another key, other hashes
  const ProcessResult missing =
      RunTriage({"filter", "--config", pack_.config(), "--input", "twilio-form",
                 "--sender-secret-file", pack_.dir() + "/no-such-key"},
                FormInput());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "");
  const ProcessResult bad = RunTriage({"filter", "--input", "csv"}, "");
  EXPECT_EQ(bad.exit_code, 2);
}

TEST_F(FilterInputTest, AuditStoreKeepsTheConvertedRecordAndNoPhoneNumber) {
  const std::string store = pack_.dir() + "/audit.db";
  const ProcessResult result = Forms(FormInput(), {"--audit", store});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.out, Forms(FormInput()).out);
  EXPECT_EQ(audit_testing::SqlInt(store, "SELECT count(*) FROM entries"), 8);
  std::ifstream file(store, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(kPhone), std::string::npos);
  EXPECT_NE(bytes.find(R"("from":"h:)"), std::string::npos);
  const ProcessResult verify = RunTriage({"audit", "verify", "--audit", store});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // The converted records replay; the lines that never became records cannot be re-run.
  const ProcessResult replay = RunTriage({"replay", "--audit", store});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_EQ(CountOf(replay.out, "reproduced"), 3) << replay.out;
  EXPECT_EQ(CountOf(replay.out, "not replayable"), 5) << replay.out;
}

std::string XmlInput() {
  const std::string lines[] = {
      // 1 ok: enticement, victim's age from the date of birth, namespace-free
      "<?xml version=\"1.0\"?><report><incidentSummary><incidentType>Online Enticement of "
      "Children for Sexual Acts</incidentType><incidentDateTime>2026-11-02T17:45:00-05:00"
      "</incidentDateTime></incidentSummary><victim><victimPerson><dateOfBirth>2014-01-10"
      "</dateOfBirth></victimPerson></victim><additionalInfo>An adult asked the child to meet "
      "up tonight.</additionalInfo></report>",
      // 2 ok: prefixed elements
      "<ct:report xmlns:ct=\"urn:example\"><ct:incidentSummary><ct:incidentType>Misleading Domain "
      "Name</ct:incidentType><ct:incidentDateTime>2026-10-28T12:00:00Z</ct:incidentDateTime>"
      "</ct:incidentSummary></ct:report>",
      "   ",  // 3 blank
      // 4 doctype_refused
      "<!DOCTYPE report [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><report>&x;</report>",
      // 5 invalid_xml
      "<report><incidentSummary><incidentType>zebracorn</incidentSummary></report>",
      // 6 not_a_report
      "<reports/>",
      // 7 missing_field
      "<report><incidentSummary><incidentType>Child Sex Tourism</incidentType>"
      "</incidentSummary></report>",
      // 8 invalid_value
      "<report><incidentSummary><incidentType>Child Sex Tourism</incidentType>"
      "<incidentDateTime>2026-10-28T12:00:00Z</incidentDateTime></incidentSummary>"
      "<victim><age>marmalade</age></victim></report>",
  };
  std::string input;
  for (const std::string& line : lines) input += line + "\n";
  return input;
}

TEST_F(FilterInputTest, CyberTiplineDocumentsGiveOneLineEachBadOnesIncluded) {
  const ProcessResult result =
      RunTriage({"filter", "--config", pack_.config(), "--input", "cybertipline-xml"}, XmlInput());
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.err, "");
  const std::vector<std::string> lines = SplitLines(result.out);
  ASSERT_EQ(lines.size(), 7U) << result.out;
  for (const std::string& line : lines) EXPECT_TRUE(IsJson(line)) << line;
  EXPECT_NE(lines[0].find(R"("kind":"report","channel":"cybertipline")"), std::string::npos);
  EXPECT_NE(lines[0].find(R"("victims":[{"age":12}])"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(R"("band":"P1")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("incident_type":"Misleading Domain Name")"), std::string::npos);
  const struct {
    size_t output;
    int64_t line;
    const char* code;
  } errors[] = {{2, 4, "doctype_refused"},
                {3, 5, "invalid_xml"},
                {4, 6, "not_a_report"},
                {5, 7, "missing_field"},
                {6, 8, "invalid_value"}};
  for (const auto& e : errors) {
    EXPECT_EQ(ErrorCodeOf(lines[e.output]), e.code) << lines[e.output];
    EXPECT_EQ(ErrorLineNumberOf(lines[e.output]), e.line) << lines[e.output];
  }
  for (const char* secret : {"zebracorn", "marmalade", "hostname"}) {
    EXPECT_EQ(result.out.find(secret), std::string::npos) << secret;
  }
}

TEST_F(FilterInputTest, DocumentOverTheRecordLimitIsTooLargeUnparsed) {
  // The pack's limits.max_record_bytes is 2048.
  const std::string big =
      "<report><additionalInfo>" + std::string(3000, 'x') + "</additionalInfo></report>\n";
  const ProcessResult result =
      RunTriage({"filter", "--config", pack_.config(), "--input", "cybertipline-xml"}, big);
  EXPECT_EQ(ErrorCodeOf(result.out), "too_large") << result.out;
}

TEST_F(FilterInputTest, ShippedExamplesConvertAndTriage) {
  const std::string source = TRIAGE_SOURCE_DIR;
  const std::string config = source + "/rules/triage.yaml";
  const ProcessResult xml = RunTriage({"filter", "--config", config, "--input", "cybertipline-xml",
                                       source + "/examples/adapters/cybertipline.xml"});
  EXPECT_EQ(xml.exit_code, 0) << xml.out << xml.err;
  EXPECT_EQ(SplitLines(xml.out).size(), 3U);
  const ProcessResult sms = RunTriage({"filter", "--config", config, "--input", "twilio-form",
                                       source + "/examples/adapters/twilio-sms.form"},
                                      "", {"TRIAGE_SENDER_SECRET=example-key"});
  EXPECT_EQ(sms.exit_code, 0) << sms.out << sms.err;
  EXPECT_EQ(SplitLines(sms.out).size(), 4U);
  for (const char* sender : {"5555550123", "5555550177", "5555550188"}) {
    EXPECT_EQ(sms.out.find(sender), std::string::npos) << sender;
  }
}

}  // namespace
}  // namespace triage
