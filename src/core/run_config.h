// The `run` section shared by every job: name, output folder, seed, device, logging.
#pragma once

#include <cstdint>
#include <string>

#include "core/config_field.h"

namespace shoprl {

struct RunConfig {
  std::string name;  // empty: the command's name (app_config.h)
  std::string output_dir = "runs";
  std::uint64_t seed = 42;
  std::string device = "auto";
  std::string log_level = "info";

  void visit(ConfigVisitor& v) {
    v.field("name", name,
            "Run name; files go to <output_dir>/<name>/ (empty: the command's name, e.g. "
            "train, evaluate, sim-fit; sim report and bench env --learned read sim-fit's "
            "simulator)");
    v.field("output_dir", output_dir, "Folder that holds run directories");
    v.field("seed", seed, "Master seed; every random stream is derived from it");
    v.field("device", device, "Where tensors live: auto picks cuda when available",
            one_of({"auto", "cpu", "cuda"}));
    v.field("log_level", log_level, "Least severe log level shown and written",
            one_of({"trace", "debug", "info", "warn", "error"}));
  }
};

}  // namespace shoprl
