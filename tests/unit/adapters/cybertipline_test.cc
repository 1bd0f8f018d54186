// SPDX-License-Identifier: Apache-2.0
// Tests of CyberTiplineXmlToRecordJson (engine/src/adapters/cybertipline.cc). The reports are
// synthetic, written the way an intake worker summarises one.
#include <string>

#include <gtest/gtest.h>

#include "triage/adapters.h"
#include "triage/status.h"

namespace triage::adapters {
namespace {

// A report as an electronic service provider files it, with most optional parts.
constexpr const char* kFullReport = R"(<?xml version="1.0" encoding="UTF-8"?>
<report xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:noNamespaceSchemaLocation="https://report.cybertip.example/ispws/xsd">
  <incidentSummary>
    <incidentType>Online Enticement of Children for Sexual Acts</incidentType>
    <platform>ChatApp</platform>
    <escalateToHighPriority>Adult user arranging to meet a minor this evening</escalateToHighPriority>
    <reportAnnotations>
      <sextortion/>
      <minorToMinorInteraction>false</minorToMinorInteraction>
    </reportAnnotations>
    <incidentDateTime>2026-11-02T18:30:00-05:00</incidentDateTime>
    <incidentDateTimeDescription>Messages sent over the previous two days</incidentDateTimeDescription>
  </incidentSummary>
  <internetDetails>
    <chatImIncident>
      <chatClient>ChatApp</chatClient>
      <content>User asked the child to keep the chats secret.</content>
      <additionalInfo>Conversation moved from a public room to direct messages.</additionalInfo>
    </chatImIncident>
  </internetDetails>
  <internetDetails>
    <webPageIncident thirdPartyHostedContent="false">
      <url>https://profile.example/u/alpha_77</url>
      <url>https://profile.example/u/alpha_77/posts</url>
    </webPageIncident>
  </internetDetails>
  <reporter>
    <reportingPerson>
      <firstName>Jordan</firstName>
      <lastName>Reporter</lastName>
      <email>trust-safety@esp.example</email>
      <phone>5555550142</phone>
    </reportingPerson>
  </reporter>
  <personOrUserReported>
    <personOrUserReportedPerson><firstName>Unknown</firstName></personOrUserReportedPerson>
    <espService>ChatApp</espService>
    <screenName>alpha_77</screenName>
    <additionalInfo>Account created last week.</additionalInfo>
  </personOrUserReported>
  <victim>
    <victimPerson>
      <firstName>Child</firstName>
      <age>13</age>
    </victimPerson>
  </victim>
  <victim>
    <victimPerson>
      <dateOfBirth>2012-11-03</dateOfBirth>
    </victimPerson>
    <additionalInfo>Second child in the same group chat.</additionalInfo>
  </victim>
  <additionalInfo>Reporter states an adult user contacted a 13-year-old and proposed meeting in person.</additionalInfo>
</report>
)";

constexpr const char* kFullRecord =
    R"({"id":"ct-1","kind":"report","channel":"cybertipline","received_at":"2026-11-03T09:00:00Z",)"
    R"("incident_type":"Online Enticement of Children for Sexual Acts",)"
    R"("incident_at":"2026-11-02T23:30:00Z","platform":"ChatApp",)"
    R"("escalate_to_high_priority":"Adult user arranging to meet a minor this evening",)"
    R"("annotations":["sextortion"],)"
    R"("summary":"Reporter states an adult user contacted a 13-year-old and proposed meeting in person.\n)"
    R"(Adult user arranging to meet a minor this evening\n)"
    R"(Messages sent over the previous two days\n)"
    R"(User asked the child to keep the chats secret.\n)"
    R"(Conversation moved from a public room to direct messages.\n)"
    R"(Account created last week.\n)"
    R"(Second child in the same group chat.",)"
    R"("victims":[{"age":13},{"age":13}],"suspects":[{"username":"alpha_77","platform":"ChatApp"}],)"
    R"("urls":["https://profile.example/u/alpha_77","https://profile.example/u/alpha_77/posts"]})";

CyberTiplineOptions Options() {
  CyberTiplineOptions options;
  options.id = "ct-1";
  options.received_at = "2026-11-03T09:00:00Z";
  return options;
}

Result<std::string> Convert(const std::string& xml,
                            const CyberTiplineOptions& options = Options()) {
  return CyberTiplineXmlToRecordJson(xml, options);
}

std::string Minimal(const std::string& inside_summary, const std::string& after = "") {
  return "<report><incidentSummary>" + inside_summary + "</incidentSummary>" + after + "</report>";
}

constexpr const char* kTypeAndTime =
    "<incidentType>Child Sexual Molestation</incidentType>"
    "<incidentDateTime>2026-11-02T10:00:00Z</incidentDateTime>";

TEST(CyberTiplineTest, MapsAFullReport) {
  const Result<std::string> record = Convert(kFullReport);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(*record, kFullRecord);
}

TEST(CyberTiplineTest, NeverCopiesNamesContactsOrPhoneNumbers) {
  const Result<std::string> record = Convert(kFullReport);
  ASSERT_TRUE(record.ok());
  for (const char* absent : {"Jordan", "Reporter\"", "esp.example", "5555550142", "Unknown",
                             "\"Child\"", "2012-11-03"}) {
    EXPECT_EQ(record->find(absent), std::string::npos) << absent;
  }
}

TEST(CyberTiplineTest, ElementsMatchWhateverTheirNamespacePrefix) {
  std::string prefixed = kFullReport;
  // Qualify every element with a prefix bound to a namespace.
  std::string out;
  for (size_t i = 0; i < prefixed.size(); ++i) {
    out.push_back(prefixed[i]);
    if (prefixed[i] == '<' && i + 1 < prefixed.size() && prefixed[i + 1] != '?') {
      if (prefixed[i + 1] == '/') {
        out.push_back('/');
        ++i;
      }
      out += "ct:";
    }
  }
  const size_t root_end = out.find("<ct:report") + std::string("<ct:report").size();
  out.insert(root_end, " xmlns:ct=\"urn:example:cybertipline\"");
  const Result<std::string> record = Convert(out);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(*record, kFullRecord);
}

TEST(CyberTiplineTest, DefaultNamespaceIsIgnoredToo) {
  const Result<std::string> record =
      Convert("<report xmlns=\"urn:example:cybertipline\"><incidentSummary>" +
              std::string(kTypeAndTime) + "</incidentSummary></report>");
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_NE(record->find(R"("incident_type":"Child Sexual Molestation")"), std::string::npos);
}

TEST(CyberTiplineTest, OnlyIncidentTypeAndTimeAreRequired) {
  CyberTiplineOptions options;  // no id, no received_at
  const std::string xml = Minimal(kTypeAndTime);
  const Result<std::string> record = Convert(xml, options);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  // The id is derived from the document: the same bytes, the same id.
  const std::string prefix = R"({"id":"ct-)";
  ASSERT_EQ(record->substr(0, prefix.size()), prefix);
  EXPECT_EQ(record->substr(prefix.size() + 16),
            R"(","kind":"report","channel":"cybertipline",)"
            R"("incident_type":"Child Sexual Molestation","incident_at":"2026-11-02T10:00:00Z",)"
            R"("victims":[],"suspects":[],"urls":[]})");
  EXPECT_EQ(*Convert(xml, options), *record);
  EXPECT_NE(*Convert(xml + " ", options), *record);
}

TEST(CyberTiplineTest, IncidentTimeDirectlyUnderReportIsReadToo) {
  const Result<std::string> record = Convert(
      "<report><incidentSummary><incidentType>Child Sex Tourism</incidentType>"
      "</incidentSummary><incidentDateTime>2026-11-02T10:00:00Z</incidentDateTime>"
      "</report>");
  ASSERT_TRUE(record.ok()) << record.status().ToString();
}

TEST(CyberTiplineTest, MissingRequiredFieldsAreMissingField) {
  for (const std::string& xml :
       {std::string("<report/>"),
        Minimal("<incidentDateTime>2026-11-02T10:00:00Z</incidentDateTime>"),
        Minimal("<incidentType>  </incidentType><incidentDateTime>2026-11-02T10:00:00Z"
                "</incidentDateTime>"),
        Minimal("<incidentType>Child Sex Tourism</incidentType>"),
        Minimal("<incidentType>Child Sex Tourism</incidentType><incidentDateTime/>")}) {
    const Result<std::string> record = Convert(xml);
    ASSERT_FALSE(record.ok()) << xml;
    EXPECT_EQ(record.status().record_code(), "missing_field") << xml;
  }
}

TEST(CyberTiplineTest, IncidentTimeMustBeADateTimeWithAnOffset) {
  for (const char* when :
       {"2026-11-02", "2026-11-02T10:00:00", "yesterday", "2026-02-30T10:00:00Z"}) {
    const Result<std::string> record =
        Convert(Minimal(std::string("<incidentType>Child Sex Tourism</incidentType>"
                                    "<incidentDateTime>") +
                        when + "</incidentDateTime>"));
    ASSERT_FALSE(record.ok()) << when;
    EXPECT_EQ(record.status().record_code(), "invalid_timestamp") << when;
  }
}

TEST(CyberTiplineTest, RepeatedSingleElementIsDuplicateElement) {
  for (const std::string& xml :
       {Minimal(std::string(kTypeAndTime) + "<incidentType>Child Sex Tourism</incidentType>"),
        Minimal(kTypeAndTime, "<incidentSummary/>"),
        Minimal(kTypeAndTime,
                "<victim><victimPerson><age>9</age><age>10</age></victimPerson></victim>"),
        Minimal(kTypeAndTime,
                "<personOrUserReported><screenName>a</screenName><screenName>b"
                "</screenName></personOrUserReported>")}) {
    const Result<std::string> record = Convert(xml);
    ASSERT_FALSE(record.ok()) << xml;
    EXPECT_EQ(record.status().record_code(), "duplicate_element") << xml;
  }
}

std::string VictimAge(const std::string& victim, const std::string& when = "2026-11-02T10:00:00Z") {
  const Result<std::string> record =
      Convert(Minimal("<incidentType>Child Sexual Molestation</incidentType><incidentDateTime>" +
                          when + "</incidentDateTime>",
                      "<victim>" + victim + "</victim>"));
  if (!record.ok()) return record.status().record_code();
  const size_t at = record->find(R"("victims":)");
  return record->substr(at + 10, record->find(']', at) - at - 9);
}

TEST(CyberTiplineTest, AgeIsTakenAsStated) {
  EXPECT_EQ(VictimAge("<victimPerson><age>12</age></victimPerson>"), R"([{"age":12}])");
  EXPECT_EQ(VictimAge("<age> 7 </age>"), R"([{"age":7}])");
  // A stated age wins over a date of birth.
  EXPECT_EQ(VictimAge("<victimPerson><age>12</age><dateOfBirth>2000-01-01</dateOfBirth>"
                      "</victimPerson>"),
            R"([{"age":12}])");
  EXPECT_EQ(VictimAge("<victimPerson><firstName>A</firstName></victimPerson>"), "[{}]");
}

TEST(CyberTiplineTest, AgeIsComputedFromDateOfBirthAtTheIncidentDate) {
  // The day before the 13th birthday, the day of it, and the incident's own date in its offset
  // (2026-11-02T23:30-05:00 is 3 November in UTC, but 2 November where it happened).
  EXPECT_EQ(VictimAge("<victimPerson><dateOfBirth>2013-11-03</dateOfBirth></victimPerson>"),
            R"([{"age":12}])");
  EXPECT_EQ(VictimAge("<victimPerson><dateOfBirth>2013-11-02</dateOfBirth></victimPerson>"),
            R"([{"age":13}])");
  EXPECT_EQ(VictimAge("<victimPerson><dateOfBirth>2013-11-03</dateOfBirth></victimPerson>",
                      "2026-11-02T23:30:00-05:00"),
            R"([{"age":12}])");
  EXPECT_EQ(VictimAge("<dateOfBirth>2013-11-02Z</dateOfBirth>"), R"([{"age":13}])");
  EXPECT_EQ(VictimAge("<dateOfBirth>2013-11-02-05:00</dateOfBirth>"), R"([{"age":13}])");
  // Born on 29 February: a year older from 1 March in a year without one.
  EXPECT_EQ(VictimAge("<dateOfBirth>2012-02-29</dateOfBirth>", "2026-02-28T12:00:00Z"),
            R"([{"age":13}])");
  EXPECT_EQ(VictimAge("<dateOfBirth>2012-02-29</dateOfBirth>", "2026-03-01T12:00:00Z"),
            R"([{"age":14}])");
  EXPECT_EQ(VictimAge("<dateOfBirth>2026-11-02</dateOfBirth>"), R"([{"age":0}])");
}

TEST(CyberTiplineTest, BadAgeOrDateOfBirthIsInvalidValue) {
  for (const char* victim :
       {"<age>twelve</age>", "<age>-1</age>", "<age>151</age>", "<age>12.5</age>",
        "<dateOfBirth>2013-13-01</dateOfBirth>", "<dateOfBirth>03/11/2013</dateOfBirth>",
        "<dateOfBirth>2026-11-03</dateOfBirth>", "<dateOfBirth>1700-01-01</dateOfBirth>",
        "<dateOfBirth>2013-11-02T00:00:00Z</dateOfBirth>"}) {
    EXPECT_EQ(VictimAge(victim), "invalid_value") << victim;
  }
}

TEST(CyberTiplineTest, DoctypeIsRefusedAndNoEntityIsResolved) {
  const char* xxe =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE report [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n"
      "<report><incidentSummary><incidentType>&secret;</incidentType>"
      "<incidentDateTime>2026-11-02T10:00:00Z</incidentDateTime></incidentSummary></report>";
  const Result<std::string> record = Convert(xxe);
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().record_code(), "doctype_refused");
  const Result<std::string> plain =
      Convert("<!DOCTYPE report><report><incidentSummary>" + std::string(kTypeAndTime) +
              "</incidentSummary></report>");
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().record_code(), "doctype_refused");
  const Result<std::string> billion = Convert(
      "<!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
      "<report><incidentSummary><incidentType>&b;</incidentType></incidentSummary></report>");
  ASSERT_FALSE(billion.ok());
  EXPECT_EQ(billion.status().record_code(), "doctype_refused");
}

TEST(CyberTiplineTest, UndeclaredEntityIsKeptAsWrittenNeverResolved) {
  const Result<std::string> record =
      Convert(Minimal("<incidentType>&secret; &lt;x&gt; &#65;</incidentType>"
                      "<incidentDateTime>2026-11-02T10:00:00Z</incidentDateTime>"));
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_NE(record->find(R"("incident_type":"&secret; <x> A")"), std::string::npos) << *record;
}

TEST(CyberTiplineTest, MalformedXmlIsInvalidXmlWithAnOffsetAndNoText) {
  for (const std::string& xml :
       {std::string(""), std::string("not xml at all"), std::string("<report>"),
        std::string("<report><incidentSummary></report>"), std::string("<report a=1/>"),
        std::string("<report/><report/>"), std::string("<report/>trailing<x>"),
        std::string("<report>\0</report>", 18)}) {
    const Result<std::string> record = Convert(xml);
    ASSERT_FALSE(record.ok()) << xml;
    EXPECT_EQ(record.status().record_code(), "invalid_xml") << xml;
  }
  const Result<std::string> record = Convert("<report><additionalInfo>meet tonight</addInfo>");
  ASSERT_FALSE(record.ok());
  EXPECT_NE(record.status().message().find("at byte"), std::string::npos);
  EXPECT_EQ(record.status().message().find("tonight"), std::string::npos);
  EXPECT_EQ(record.status().message().find("addInfo"), std::string::npos);
}

TEST(CyberTiplineTest, OtherRootIsNotAReport) {
  const Result<std::string> record = Convert("<reportList><report/></reportList>");
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().record_code(), "not_a_report");
  EXPECT_EQ(record.status().message().find("reportList"), std::string::npos);
}

TEST(CyberTiplineTest, InvalidUtf8IsRefused) {
  const Result<std::string> record =
      Convert(Minimal(std::string(kTypeAndTime), "<additionalInfo>\xC3(</additionalInfo>"));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().record_code(), "invalid_utf8");
}

TEST(CyberTiplineTest, ByteOrderMarkAndCdataAreAccepted) {
  const Result<std::string> record =
      Convert("\xEF\xBB\xBF" + Minimal(kTypeAndTime,
                                       "<additionalInfo><![CDATA[a <b> & c]]>"
                                       " and d</additionalInfo>"));
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_NE(record->find(R"("summary":"a <b> & c and d")"), std::string::npos) << *record;
}

TEST(CyberTiplineTest, OverTheSizeLimitIsTooLargeBeforeParsing) {
  CyberTiplineOptions options = Options();
  const std::string xml = Minimal(kTypeAndTime);
  options.max_bytes = xml.size();
  EXPECT_TRUE(Convert(xml, options).ok());
  options.max_bytes = xml.size() - 1;
  EXPECT_EQ(Convert(xml, options).status().record_code(), "too_large");
  options.max_bytes = 10;
  EXPECT_EQ(Convert("<<<<<<<<<<<<<<<<<<<<", options).status().record_code(), "too_large");
}

TEST(CyberTiplineTest, MalformedReceivedAtOptionIsInvalidArgument) {
  CyberTiplineOptions options = Options();
  options.received_at = "soon";
  EXPECT_EQ(Convert(Minimal(kTypeAndTime), options).status().code(),
            Status::Code::kInvalidArgument);
}

TEST(CyberTiplineTest, EmptyEscalationIsNoEscalation) {
  const Result<std::string> record = Convert(
      Minimal(std::string(kTypeAndTime) + "<escalateToHighPriority> </escalateToHighPriority>"));
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->find("escalate"), std::string::npos);
}

TEST(CyberTiplineTest, DeepNestingIsHarmless) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<d>";
  for (int i = 0; i < 100000; ++i) deep += "</d>";
  EXPECT_TRUE(Convert(Minimal(kTypeAndTime, "<additionalInfo>" + deep + "</additionalInfo>")).ok());
  EXPECT_EQ(Convert("<report>" + deep).status().record_code(), "invalid_xml");
}

}  // namespace
}  // namespace triage::adapters
