// A fitted simulator on disk (fitted_simulator.h): simulator.json and one member-<k>.pt per
// user model, written into a temporary sibling folder that is then renamed into place.
#include "sim/fitted_simulator.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <system_error>

#include "core/atomic_file.h"
#include "core/atomic_folder.h"
#include "core/error.h"
#include "core/json_number.h"

namespace shoprl {

namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;
constexpr const char* kManifest = "simulator.json";

std::string member_file(std::size_t k) { return fmt::format("member-{}.pt", k); }

// Writes every field of a config section (config_field.h) into JSON, so the whole `sim`
// section travels with the models without listing its keys a second time.
class JsonConfigWriter : public ConfigVisitor {
 public:
  json result = json::object();

 protected:
  void on_field(const char* key, FieldRef ref, const char* /*doc*/,
                const FieldRule& /*rule*/) override {
    json& out = (*current())[key];
    switch (ref.kind) {
      case FieldKind::kBool:
        out = *static_cast<bool*>(ref.value);
        break;
      case FieldKind::kInt:
        out = *static_cast<int*>(ref.value);
        break;
      case FieldKind::kInt64:
        out = *static_cast<std::int64_t*>(ref.value);
        break;
      case FieldKind::kUInt64:
        out = *static_cast<std::uint64_t*>(ref.value);
        break;
      case FieldKind::kDouble:
        out = *static_cast<double*>(ref.value);
        break;
      case FieldKind::kString:
        out = *static_cast<std::string*>(ref.value);
        break;
      case FieldKind::kStringList:
        out = *static_cast<std::vector<std::string>*>(ref.value);
        break;
      case FieldKind::kStringMap:
        out = *static_cast<std::map<std::string, std::string>*>(ref.value);
        break;
    }
  }
  void enter_section(const char* key, const char* /*doc*/) override {
    stack_.push_back(&(*current())[key]);
  }
  void leave_section() override { stack_.pop_back(); }

 private:
  json* current() { return stack_.empty() ? &result : stack_.back(); }
  std::vector<json*> stack_;
};

// Reads the fields JsonConfigWriter wrote; keys absent from the file keep their defaults, so a
// simulator saved before a key was added still loads.
class JsonConfigReader : public ConfigVisitor {
 public:
  explicit JsonConfigReader(const json& root) : stack_{&root} {}

 protected:
  void on_field(const char* key, FieldRef ref, const char* /*doc*/,
                const FieldRule& /*rule*/) override {
    const json* section = stack_.back();
    if (section == nullptr || !section->contains(key)) return;
    const json& in = section->at(key);
    switch (ref.kind) {
      case FieldKind::kBool:
        in.get_to(*static_cast<bool*>(ref.value));
        break;
      case FieldKind::kInt:
        in.get_to(*static_cast<int*>(ref.value));
        break;
      case FieldKind::kInt64:
        in.get_to(*static_cast<std::int64_t*>(ref.value));
        break;
      case FieldKind::kUInt64:
        in.get_to(*static_cast<std::uint64_t*>(ref.value));
        break;
      case FieldKind::kDouble:
        in.get_to(*static_cast<double*>(ref.value));
        break;
      case FieldKind::kString:
        in.get_to(*static_cast<std::string*>(ref.value));
        break;
      case FieldKind::kStringList:
        in.get_to(*static_cast<std::vector<std::string>*>(ref.value));
        break;
      case FieldKind::kStringMap:
        in.get_to(*static_cast<std::map<std::string, std::string>*>(ref.value));
        break;
    }
  }
  void enter_section(const char* key, const char* /*doc*/) override {
    const json* section = stack_.back();
    stack_.push_back(section != nullptr && section->contains(key) ? &section->at(key) : nullptr);
  }
  void leave_section() override { stack_.pop_back(); }

 private:
  std::vector<const json*> stack_;
};

double read_number(const json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

json losses_json(const UserModelLosses& l) {
  return {{"next_item_nll", json_number(l.next_item_nll)},
          {"purchase_nll", json_number(l.purchase_nll)},
          {"end_nll", json_number(l.end_nll)},
          {"next_item_targets", l.next_item_targets},
          {"purchase_targets", l.purchase_targets},
          {"end_targets", l.end_targets}};
}

UserModelLosses read_losses(const json& j) {
  UserModelLosses l;
  l.next_item_nll = read_number(j.at("next_item_nll"));
  l.purchase_nll = read_number(j.at("purchase_nll"));
  l.end_nll = read_number(j.at("end_nll"));
  l.next_item_targets = j.at("next_item_targets").get<std::int64_t>();
  l.purchase_targets = j.at("purchase_targets").get<std::int64_t>();
  l.end_targets = j.at("end_targets").get<std::int64_t>();
  return l;
}

json summary_json(const TrainingSummary& s) {
  json epochs = json::array();
  for (const EpochRecord& e : s.epochs)
    epochs.push_back({{"epoch", e.epoch},
                      {"train_loss", json_number(e.train_loss)},
                      {"valid", losses_json(e.valid)},
                      {"seconds", e.seconds}});
  return {{"best_epoch", s.best_epoch},
          {"best_valid", losses_json(s.best_valid)},
          {"stopped_early", s.stopped_early},
          {"epochs", epochs}};
}

TrainingSummary read_summary(const json& j) {
  TrainingSummary s;
  s.best_epoch = j.at("best_epoch").get<int>();
  s.best_valid = read_losses(j.at("best_valid"));
  s.stopped_early = j.at("stopped_early").get<bool>();
  for (const json& e : j.at("epochs")) {
    EpochRecord r;
    r.epoch = e.at("epoch").get<int>();
    r.train_loss = read_number(e.at("train_loss"));
    r.valid = read_losses(e.at("valid"));
    r.seconds = e.at("seconds").get<double>();
    s.epochs.push_back(r);
  }
  return s;
}

json leave_hazard_json(const LeaveHazard& h) {
  if (!h.fitted()) return nullptr;
  json decays = json::array(), weights = json::array();
  for (double d : h.decays) decays.push_back(json_number(d));
  for (double w : h.weights) weights.push_back(json_number(w));
  return {{"decays", decays},
          {"weights", weights},
          {"steps_used", h.steps_used},
          {"censored_sessions", h.censored},
          {"log_likelihood", json_number(h.log_likelihood)}};
}

// Simulators fitted before the hazard existed (or with sim.response.leave: end_head) have none.
LeaveHazard read_leave_hazard(const json& j) {
  LeaveHazard h;
  if (j.is_null()) return h;
  h.decays.clear();
  for (const json& d : j.at("decays")) h.decays.push_back(read_number(d));
  for (const json& w : j.at("weights")) h.weights.push_back(read_number(w));
  if (static_cast<int>(h.weights.size()) != h.features())
    throw DataError(fmt::format("leave_hazard: {} weights for {} decays (expected {})",
                                h.weights.size(), h.decays.size(), h.features()));
  h.steps_used = j.at("steps_used").get<std::int64_t>();
  h.censored = j.at("censored_sessions").get<std::int64_t>();
  h.log_likelihood = read_number(j.at("log_likelihood"));
  return h;
}

json calibration_json(const ResponseCalibration& c) {
  json bias = json::array();
  for (double b : c.position_bias) bias.push_back(json_number(b));
  return {{"source", c.source},
          {"no_click_utility", json_number(c.no_click_utility)},
          {"preference_scale", json_number(c.preference_scale)},
          {"position_bias", bias},
          {"organic_rate", json_number(c.organic_rate)},
          {"quiet_leave", json_number(c.quiet_leave)},
          {"slates_used", c.slates_used},
          {"log_likelihood", json_number(c.log_likelihood)},
          {"leave_hazard", leave_hazard_json(c.leave)}};
}

ResponseCalibration read_calibration(const json& j) {
  ResponseCalibration c;
  c.source = j.at("source").get<std::string>();
  c.no_click_utility = read_number(j.at("no_click_utility"));
  // Simulators fitted before the scale was fitted used 1.
  c.preference_scale = j.contains("preference_scale") ? read_number(j.at("preference_scale")) : 1.0;
  for (const json& b : j.at("position_bias")) c.position_bias.push_back(read_number(b));
  c.organic_rate = read_number(j.at("organic_rate"));
  c.quiet_leave = read_number(j.at("quiet_leave"));
  c.slates_used = j.at("slates_used").get<std::int64_t>();
  c.log_likelihood = read_number(j.at("log_likelihood"));
  if (j.contains("leave_hazard")) c.leave = read_leave_hazard(j.at("leave_hazard"));
  return c;
}

std::string manifest_text(const FittedSimulator& simulator) {
  JsonConfigWriter config;
  SimConfig sim = simulator.config;  // visit() takes a mutable section
  sim.visit(config);
  json summaries = json::array();
  for (const TrainingSummary& s : simulator.summaries) summaries.push_back(summary_json(s));
  const json manifest = {{"format_version", kFormatVersion},
                         {"members", simulator.members.size()},
                         {"num_items", simulator.num_items},
                         {"slate_size", simulator.slate_size},
                         {"store_path", simulator.store_path},
                         {"store_hash", simulator.store_hash},
                         {"seed", simulator.seed},
                         {"calibration", calibration_json(simulator.calibration)},
                         {"config", config.result},
                         {"summaries", summaries}};
  return manifest.dump(2) + "\n";
}

}  // namespace

void save_simulator(const FittedSimulator& simulator, const std::filesystem::path& directory) {
  AtomicFolder folder(directory);
  for (std::size_t k = 0; k < simulator.members.size(); ++k) {
    AtomicFile file(folder.staging() / member_file(k));
    try {
      torch::save(simulator.members[k], file.temp_path().string());
    } catch (const c10::Error& e) {
      throw IoError(fmt::format("cannot write {}: {}", (folder.target() / member_file(k)).string(),
                                e.what_without_backtrace()));
    }
    file.commit();
  }
  write_file_atomic(folder.staging() / kManifest, manifest_text(simulator));
  folder.commit();
}

FittedSimulator load_simulator(const std::filesystem::path& directory, const std::string& device) {
  const std::filesystem::path manifest_path = directory / kManifest;
  const std::string text = read_file_text(manifest_path);
  FittedSimulator simulator;
  std::size_t members = 0;
  try {
    const json manifest = json::parse(text);
    const int version = manifest.at("format_version").get<int>();
    if (version != kFormatVersion)
      throw IoError(fmt::format("{}: format_version {} is not the supported {}",
                                manifest_path.string(), version, kFormatVersion));
    members = manifest.at("members").get<std::size_t>();
    simulator.num_items = manifest.at("num_items").get<std::int64_t>();
    simulator.slate_size = manifest.at("slate_size").get<int>();
    simulator.store_path = manifest.at("store_path").get<std::string>();
    simulator.store_hash = manifest.at("store_hash").get<std::string>();
    simulator.seed = manifest.at("seed").get<std::uint64_t>();
    simulator.calibration = read_calibration(manifest.at("calibration"));
    JsonConfigReader config(manifest.at("config"));
    simulator.config.visit(config);
    for (const json& s : manifest.at("summaries")) simulator.summaries.push_back(read_summary(s));
  } catch (const json::exception& e) {
    throw IoError(fmt::format("{}: not a readable simulator manifest ({})", manifest_path.string(),
                              e.what()));
  } catch (const DataError& e) {  // a part that reads but does not hold together
    throw IoError(fmt::format("{}: {}", manifest_path.string(), e.what()));
  }
  if (members == 0 || simulator.num_items <= 0)
    throw IoError(fmt::format("{}: no members or no items", manifest_path.string()));

  const torch::Device torch_device(device);
  for (std::size_t k = 0; k < members; ++k) {
    const std::filesystem::path path = directory / member_file(k);
    if (!std::filesystem::is_regular_file(path))
      throw IoError(fmt::format("{}: missing (simulator with {} members)", path.string(), members));
    UserModel model(simulator.config.model, simulator.num_items);
    try {
      torch::load(model, path.string());
    } catch (const c10::Error& e) {
      throw IoError(fmt::format("{}: cannot load the user model ({})", path.string(),
                                e.what_without_backtrace()));
    }
    model->to(torch_device);
    model->eval();
    simulator.members.push_back(model);
  }
  return simulator;
}

}  // namespace shoprl
