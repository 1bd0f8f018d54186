// SPDX-License-Identifier: Apache-2.0
// Service (triage/service.h): request handling through the library API, no network. The
// answers must be the filter's bytes: a record's line is FormatDecisionLine of the scanner's
// decision, conversation messages thread as one ConversationScanner threads them, the audit store
// gets every decision and error and replays, concurrent workers change nothing.

#include "triage/service.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "triage/audit.h"
#include "triage/conversation_scanner.h"
#include "triage/conversation_store.h"
#include "triage/decision.h"
#include "triage/scanner.h"

#include "support/cli_harness.h"
#include "support/compile_helpers.h"
#include "support/run_process.h"
#include "unit/conversation/conversation_fixture.h"

namespace triage {
namespace {

using conversation_testing::CompileStory;
using conversation_testing::Sms;

constexpr char kReport[] = R"({"id":"r-1","summary":"A 13 yo wants to meet up tonight"})";

// The end-to-end tests' small pack: a minor's age, a meeting, imminence.
const std::string kRules = test_support::kBasicRules;

ServiceOptions Workers(size_t workers) {
  ServiceOptions options;
  options.workers = workers;
  return options;
}

RuleSet Compile(const std::string& rules = kRules, const std::string& config = "") {
  testing::Compiled compiled = testing::CompileText(rules, config);
  EXPECT_TRUE(compiled.rules.has_value()) << compiled.Rendered();
  return *compiled.rules;
}

std::unique_ptr<Service> StartService(const RuleSet& rules, ServiceOptions options = {}) {
  Result<std::unique_ptr<Service>> started = Service::Start(rules, options);
  EXPECT_TRUE(started.ok()) << started.status().ToString();
  return started.ok() ? std::move(started).value() : nullptr;
}

// The filter's line for `json`: what one Scanner decides.
std::string FilterLine(const RuleSet& rules, const std::string& json,
                       OutputMode mode = OutputMode::kDecision) {
  Scanner scanner(rules);
  Decision decision;
  EXPECT_TRUE(scanner.ScanJson(json, &decision).ok());
  return FormatDecisionLine(json, decision, mode);
}

// A stream of three interleaved conversations (a story that reaches P1, a keyword, an opt-out)
// and reports.
std::vector<std::string> ConversationStream() {
  std::vector<std::string> lines;
  for (int i = 0; i < 3; ++i) {
    const std::string c = "c-" + std::to_string(i);
    const std::string minute = std::to_string(10 + i);
    lines.push_back(Sms{"m-" + c + "-1", "help", "2026-11-02T23:" + minute + ":00Z", c}.Json());
    lines.push_back(kReport);
    lines.push_back(
        Sms{"m-" + c + "-2", "im at a motel", "2026-11-02T23:" + minute + ":30Z", c}.Json());
    lines.push_back(Sms{"m-" + c + "-3", i == 2 ? "STOP" : "he has my phone",
                        "2026-11-02T23:" + minute + ":45Z", c}
                        .Json());
  }
  return lines;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

TEST(ServiceTest, OneRecordGetsTheFiltersDecisionLine) {
  const RuleSet rules = Compile();
  auto service = StartService(rules);
  const ServiceResponse response =
      service->Triage(0, kReport, BodyFormat::kRecord, OutputMode::kDecision);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, FilterLine(rules, kReport));
  EXPECT_EQ(response.error_code, "");

  const ServiceResponse annotated =
      service->Triage(0, kReport, BodyFormat::kRecord, OutputMode::kAnnotate);
  EXPECT_EQ(annotated.body, FilterLine(rules, kReport, OutputMode::kAnnotate));
}

TEST(ServiceTest, JsonLinesGetOneLinePerNonBlankLineWithErrorLinesInPlace) {
  const RuleSet rules = Compile();
  auto service = StartService(rules);
  const std::string body = std::string(kReport) + "\n\n  \r\nnot json\n" + kReport;
  const ServiceResponse response =
      service->Triage(0, body, BodyFormat::kJsonLines, OutputMode::kDecision);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/x-ndjson");
  const std::vector<std::string> lines = test_support::SplitLines(response.body);
  ASSERT_EQ(lines.size(), 3U) << response.body;
  EXPECT_EQ(lines[0], FilterLine(rules, kReport));
  // The error line carries the physical line number, as in the filter.
  EXPECT_EQ(lines[1].rfind(R"({"line":4,"triage":{"error":{"code":"invalid_json")", 0), 0U)
      << lines[1];
  EXPECT_EQ(lines[1].find("not json"), std::string::npos) << "an error line quoted the record";
  EXPECT_EQ(lines[2], FilterLine(rules, kReport));
}

TEST(ServiceTest, ARecordThatCannotBeTriagedIsA400WithItsErrorLine) {
  auto service = StartService(Compile());
  const ServiceResponse response = service->Triage(0, R"({"id":"r-9","summary":42})",
                                                   BodyFormat::kRecord, OutputMode::kDecision);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.error_code, "wrong_type");
  EXPECT_EQ(
      response.body.rfind(R"({"line":1,"id":"r-9","triage":{"error":{"code":"wrong_type")", 0), 0U)
      << response.body;
}

TEST(ServiceTest, ARecordOverTheSizeLimitIsA413) {
  auto service = StartService(Compile(kRules, "limits:\n  max_record_bytes: 1024\n"));
  const std::string big = R"({"id":"r-2","summary":")" + std::string(2000, 'a') + "\"}";
  const ServiceResponse response =
      service->Triage(0, big, BodyFormat::kRecord, OutputMode::kDecision);
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.error_code, "too_large");
  EXPECT_EQ(response.body.find("aaaa"), std::string::npos);
}

TEST(ServiceTest, ConversationsThreadAsOneConversationScannerThreadsThem) {
  const RuleSet rules = CompileStory();
  const std::vector<std::string> stream = ConversationStream();
  MemoryConversationStore store(rules.config().conversations);
  ConversationScanner scanner(rules, &store);
  std::string expected;
  for (const std::string& line : stream) {
    Decision decision;
    ASSERT_TRUE(scanner.ScanJson(line, &decision).ok());
    expected += FormatDecisionLine(line, decision, OutputMode::kDecision) + "\n";
  }
  ASSERT_NE(expected.find(R"("band":"P1")"), std::string::npos) << "the story must reach P1";

  // One request with the whole stream, and one request per record on alternating workers.
  auto batch = StartService(rules, Workers(2));
  EXPECT_EQ(batch->Triage(1, Joined(stream), BodyFormat::kJsonLines, OutputMode::kDecision).body,
            expected);
  auto single = StartService(rules, Workers(2));
  std::string one_by_one;
  for (size_t i = 0; i < stream.size(); ++i) {
    one_by_one +=
        single->Triage(i % 2, stream[i], BodyFormat::kRecord, OutputMode::kDecision).body + "\n";
  }
  EXPECT_EQ(one_by_one, expected);
}

TEST(ServiceTest, TriageRecordGivesTheDecisionWithItsReply) {
  auto service = StartService(CompileStory());
  Decision decision;
  const std::string help = Sms{"m-1", "HELP", "2026-11-02T23:10:00Z", "c-1"}.Json();
  ASSERT_TRUE(service->TriageRecord(0, help, 1, &decision).ok());
  ASSERT_TRUE(decision.reply.has_value());
  EXPECT_EQ(*decision.reply, "Hotline: text your question. Reply STOP to opt out.");
  ASSERT_TRUE(decision.conversation.has_value());
  EXPECT_EQ(decision.conversation->index, 1U);
  const Status error = service->TriageRecord(0, "{", 2, &decision);
  EXPECT_EQ(error.record_code(), "invalid_json");
}

TEST(ServiceTest, ConcurrentWorkersAuditEveryRecordInAChainThatReplays) {
  const RuleSet rules = CompileStory();
  const std::string dir = test_support::MakeTempDir("triage-service-test-");
  ServiceOptions options;
  options.workers = 4;
  options.audit_path = dir + "/audit.db";
  auto service = StartService(rules, options);
  ASSERT_NE(service, nullptr);

  // Four threads, each with its own conversations and reports, some batched, one with an error.
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        const std::string c = "c-" + std::to_string(t) + "-" + std::to_string(round);
        const std::vector<std::string> lines = {
            Sms{c + "-1", "help", "2026-11-02T23:10:00Z", c}.Json(),
            Sms{c + "-2", "im at a motel", "2026-11-02T23:11:00Z", c}.Json(), kReport,
            Sms{c + "-3", "he has my phone", "2026-11-02T23:12:00Z", c}.Json(), "{broken"};
        if (round % 2 == 0) {
          if (service->Triage(t, Joined(lines), BodyFormat::kJsonLines, OutputMode::kDecision)
                  .status != 200) {
            ++failures;
          }
        } else {
          for (const std::string& line : lines) {
            const int status =
                service->Triage(t, line, BodyFormat::kRecord, OutputMode::kDecision).status;
            if (status != 200 && !(line == "{broken" && status == 400)) ++failures;
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_NE(service->MetricsText().find("triage_audit_entries_total 100\n"), std::string::npos);
  ASSERT_TRUE(service->Stop().ok());
  EXPECT_FALSE(service->ready());
  EXPECT_EQ(service->Triage(0, kReport, BodyFormat::kRecord, OutputMode::kDecision).status, 503);

  AuditStoreOptions read;
  read.read_only = true;
  Result<AuditStore> store = AuditStore::Open(options.audit_path, read);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  AuditVerification verification;
  ASSERT_TRUE(store->Verify({}, &verification).ok());
  EXPECT_TRUE(verification.ok());
  EXPECT_EQ(verification.entries, 100U);
  uint64_t replayed = 0;
  ASSERT_TRUE(store
                  ->Replay({},
                           [&](const AuditReplayResult& result) {
                             ++replayed;
                             EXPECT_TRUE(result.outcome == AuditReplayOutcome::kReproduced ||
                                         result.outcome == AuditReplayOutcome::kErrorReproduced)
                                 << "entry " << result.entry->seq
                                 << " differs: " << result.replayed;
                           })
                  .ok());
  EXPECT_EQ(replayed, 100U);

  // A service that continues the store carries the conversations on, as the filter does.
  ServiceOptions again = options;
  auto restarted = StartService(rules, again);
  EXPECT_EQ(restarted->restored_messages(), 60U);
  test_support::RunProcess({"/bin/rm", "-rf", dir});
}

TEST(ServiceTest, ExplainGivesTheReportWithItsCounterfactual) {
  const RuleSet rules = Compile();
  auto service = StartService(rules);
  const ServiceResponse response = service->Explain(0, kReport);
  EXPECT_EQ(response.status, 200);
  for (const char* member : {R"("ledger":)", R"("spans":)", R"("texts":)", R"("counterfactual":)",
                             R"("rule":"meeting_a_minor")"}) {
    EXPECT_NE(response.body.find(member), std::string::npos) << member << " in " << response.body;
  }
  const ServiceResponse error = service->Explain(0, "[1]");
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(error.error_code, "not_an_object");
  // Explaining decides nothing: no decision counted.
  EXPECT_EQ(service->MetricsText().find("triage_decisions_total{"), std::string::npos);
}

TEST(ServiceTest, AFailedReloadKeepsTheRulesetAndAGoodOneSwapsItIn) {
  const RuleSet first = Compile();
  auto service = StartService(first);
  const Status failed =
      service->Reload([]() -> Result<RuleSet> { return Status::InvalidArgument("1 error"); });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(service->rules().digest(), first.digest());
  EXPECT_TRUE(service->ready());

  const RuleSet second =
      Compile(std::string(kRules) + "rule extra { when text ~ /meet/ urgency +1 }\n");
  ASSERT_NE(second.digest(), first.digest());
  ASSERT_TRUE(service->Reload([&]() -> Result<RuleSet> { return second; }).ok());
  const ServiceResponse response =
      service->Triage(0, kReport, BodyFormat::kRecord, OutputMode::kDecision);
  EXPECT_EQ(response.body, FilterLine(second, kReport));
  const std::string metrics = service->MetricsText();
  EXPECT_NE(metrics.find("triage_reloads_total{result=\"failed\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("triage_reloads_total{result=\"ok\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("triage_ruleset_info{ruleset=\"" + second.digest() + "\""),
            std::string::npos);
}

TEST(ServiceTest, MetricsCountBandsCategoriesAndErrors) {
  auto service = StartService(Compile());
  (void)service->Triage(0, std::string(kReport) + "\n{\"summary\":\"nothing\"}\nnope\n",
                        BodyFormat::kJsonLines, OutputMode::kDecision);
  service->metrics().ObserveRequest("triage", 200, 0.0003);
  const std::string metrics = service->MetricsText();
  for (const char* line :
       {"triage_decision_categories_total{category=\"enticement\"} 1\n",
        "triage_decision_categories_total{category=\"unclassified\"} 1\n",
        "triage_errors_total{code=\"invalid_json\"} 1\n",
        "triage_requests_total{endpoint=\"triage\",status=\"200\"} 1\n",
        "triage_request_duration_seconds_bucket{endpoint=\"triage\",le=\"0.00025\"} 0\n",
        "triage_request_duration_seconds_bucket{endpoint=\"triage\",le=\"0.0005\"} 1\n",
        "triage_request_duration_seconds_bucket{endpoint=\"triage\",le=\"+Inf\"} 1\n",
        "triage_request_duration_seconds_count{endpoint=\"triage\"} 1\n", "triage_ready 1\n",
        "# TYPE triage_request_duration_seconds histogram\n"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << " in\n" << metrics;
  }
}

TEST(ServiceTest, ErrorBodiesAreJsonWithACode) {
  const ServiceResponse error = ServiceError(401, "unauthorized", "a \"token\" is required");
  EXPECT_EQ(error.status, 401);
  EXPECT_EQ(error.body, R"({"error":{"code":"unauthorized","message":"a \"token\" is required"}})");
  EXPECT_EQ(error.error_code, "unauthorized");
}

TEST(ServiceMetricsTest, LabelValuesAreEscaped) {
  std::string out;
  AppendPrometheusLabelValue("a\"b\\c\nd", &out);
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace triage
