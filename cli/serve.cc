// SPDX-License-Identifier: Apache-2.0
// `triage serve`: the HTTP service (docs/serve.md). Argument parsing only: the request handling is
// triage::Service (the library), the transport serve/ (router.h, http_server.h).
//
// It loads the rules, opens the audit store (restoring its conversations, as `triage filter`
// does), listens (loopback by default; port 0 picks a free port, announced on stderr and in
// --port-file), and serves until SIGTERM or SIGINT: then it stops accepting, answers every request
// in flight, commits and closes the audit store, and exits 0 (1 if the store failed). SIGHUP and
// POST /admin/reload reload the rules; a failed reload keeps the old ones (diagnostics on stderr).
//
// Secrets — the bearer token, Twilio's auth token, the sender secret — are read from a file or an
// environment variable, never from the command line (which `ps` shows to every user).

#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX signal API

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include <CLI/CLI.hpp>

#include "triage/rule_set.h"
#include "triage/service.h"
#include "triage/status.h"

#include "audit_support.h"
#include "command_options.h"
#include "commands.h"
#include "http_server.h"
#include "intake_adapters.h"
#include "load_rules.h"
#include "read_secret.h"
#include "report_status.h"
#include "router.h"
#include "start_service.h"

namespace triage::cli {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string config;
  int jobs = 0;
  FilterAuditOptions audit;
  std::string token_file;
  std::string twilio_token_file;
  std::string sender_secret_file;
  std::string public_url;
  std::string port_file;
  size_t max_body_bytes = size_t{8} << 20;
  double read_timeout = 10;
  double idle_timeout = 60;
};

// Splits "host:port" or "[v6]:port". Returns InvalidArgument when it is neither.
Status ParseListen(const std::string& listen, std::string* host, uint16_t* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return Status::InvalidArgument("--listen: expected ADDRESS:PORT, e.g. 127.0.0.1:8080");
  }
  *host = listen.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  if (*host == "localhost") *host = "127.0.0.1";
  const std::string digits = listen.substr(colon + 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 5 ||
      std::stoul(digits) > 65535) {
    return Status::InvalidArgument("--listen: the port must be a number from 0 to 65535");
  }
  *port = static_cast<uint16_t>(std::stoul(digits));
  return Status::Ok();
}

bool IsLoopback(const std::string& host) { return host.rfind("127.", 0) == 0 || host == "::1"; }


int RunServe(const ServeOptions& options) {
  std::string host;
  uint16_t port = 0;
  if (Status parsed = ParseListen(options.listen, &host, &port); !parsed.ok()) {
    return ReportFailure(parsed, kExitUsage);
  }
  std::string token;
  std::string twilio_token;
  std::string sender_secret;
  for (const auto& [file, env, what, secret] :
       {std::tuple{&options.token_file, "TRIAGE_SERVE_TOKEN", "the bearer token", &token},
        std::tuple{&options.twilio_token_file, "TRIAGE_TWILIO_AUTH_TOKEN", "the Twilio auth token",
                   &twilio_token},
        std::tuple{&options.sender_secret_file, "TRIAGE_SENDER_SECRET", "the sender secret",
                   &sender_secret}}) {
    if (Status read = ReadSecret(*file, env, what, secret); !read.ok()) {
      return ReportFailure(read, kExitUsage);
    }
  }
  const std::string config_path = FindConfigOrReport(options.config);
  if (config_path.empty()) return kExitErrors;
  // Until the server watches for it (Listen), a SIGHUP must not end the process.
  signal(SIGHUP, SIG_IGN);

  Result<RuleSet> rules = LoadRulesReporting(config_path, nullptr);
  if (!rules.ok()) return kExitErrors;

  auto workers = static_cast<size_t>(options.jobs);
  if (workers == 0) workers = std::max(1U, std::thread::hardware_concurrency());
  const std::unique_ptr<Service> service =
      StartServiceReporting(std::move(rules).value(), workers, options.audit);
  if (service == nullptr) return kExitErrors;

  serve::RouterOptions router_options;
  router_options.token = token;
  router_options.load = [config_path]() { return LoadRulesReporting(config_path, nullptr); };
  router_options.log = Log;
  router_options.adapters = serve::LibraryAdapters();
  router_options.twilio_auth_token = twilio_token;
  router_options.sender_secret = sender_secret;
  router_options.public_url = options.public_url;
  serve::Router router(service.get(), router_options);

  serve::HttpServerOptions server_options;
  server_options.address = host;
  server_options.port = port;
  server_options.workers = workers;
  server_options.max_body_bytes = options.max_body_bytes;
  server_options.read_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(options.read_timeout * 1000));
  server_options.idle_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(options.idle_timeout * 1000));
  server_options.log = Log;
  Result<std::unique_ptr<serve::HttpServer>> listening =
      serve::HttpServer::Listen(&router, service.get(), server_options);
  if (!listening.ok()) {
    const int code =
        listening.status().code() == Status::Code::kInvalidArgument ? kExitUsage : kExitErrors;
    return ReportFailure(listening.status(), code);
  }
  const std::unique_ptr<serve::HttpServer> server = std::move(listening).value();

  if (!IsLoopback(host) && token.empty()) {
    Log("warning: listening on " + host +
        ", not on loopback, without a bearer token: anyone who can reach it can submit and read "
        "decisions (docs/serve.md)");
  }
  if (!options.port_file.empty()) {
    std::ofstream out(options.port_file, std::ios::trunc);
    out << server->port() << "\n";
    if (!out) {
      return ReportFailure(Status::IoError("cannot write --port-file '" + options.port_file + "'"),
                           kExitErrors);
    }
  }
  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  Log("listening on http://" + shown + ":" + std::to_string(server->port()) + "/ (ruleset " +
      service->rules().digest() + ", " + std::to_string(workers) + " workers" +
      (token.empty() ? "" : ", bearer token required") + ")");

  server->Run();

  const Status stopped = service->Stop();
  if (!stopped.ok()) {
    return ReportFailure(Status::IoError("closing the audit store: " + stopped.message()),
                         kExitErrors);
  }
  Log("stopped");
  return kExitOk;
}

}  // namespace

Command AddServeCommand(CLI::App* parent) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* app = parent->add_subcommand(
      "serve",
      "Serve triage over HTTP: JSON records and JSON Lines, explain, metrics, an analyst page. "
      "SIGHUP reloads the rules; SIGTERM finishes the requests in flight and exits.");
  app->add_option("--listen", options->listen,
                  "ADDRESS:PORT to listen on (port 0: any free port, printed on stderr)")
      ->envname("TRIAGE_LISTEN")
      ->capture_default_str();
  AddConfigOption(app, &options->config);
  AddJobsOption(app, &options->jobs);
  AddFilterAuditOptions(app, &options->audit);
  app->add_option("--token-file", options->token_file,
                  "Require this bearer token (the file's content) on /v1/* and /admin/*; or set "
                  "TRIAGE_SERVE_TOKEN")
      ->check(CLI::ExistingFile);
  app->add_option("--twilio-token-file", options->twilio_token_file,
                  "Twilio's auth token, which signs its webhooks (POST /v1/twilio/sms); or set "
                  "TRIAGE_TWILIO_AUTH_TOKEN")
      ->check(CLI::ExistingFile);
  app->add_option("--sender-secret-file", options->sender_secret_file,
                  "The key SMS senders' numbers are hashed with (HMAC-SHA256); or set "
                  "TRIAGE_SENDER_SECRET")
      ->envname("TRIAGE_SENDER_SECRET_FILE")
      ->check(CLI::ExistingFile);
  app->add_option("--public-url", options->public_url,
                  "The service's URL as Twilio calls it (https://host[:port]), which the "
                  "webhook signature covers")
      ->envname("TRIAGE_PUBLIC_URL");
  app->add_option("--port-file", options->port_file,
                  "Write the port listened on to this file once listening");
  app->add_option("--max-body-bytes", options->max_body_bytes,
                  "Largest request body; a larger one gets 413")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 30))
      ->capture_default_str();
  app->add_option("--read-timeout", options->read_timeout,
                  "Seconds a request's header and body may take to arrive")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  app->add_option("--idle-timeout", options->idle_timeout,
                  "Seconds a keep-alive connection may wait for its next request")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  return Command{app, [options] { return RunServe(*options); }};
}

}  // namespace triage::cli
