// Configs compiled into the program, so that a command's default runs without the source tree:
// configs/quickstart.yaml is what a bare `shoprl quickstart` runs (generated into the build
// folder from the file by CMake: embedded_configs.cpp.in).
#pragma once

#include "jobs/app_config.h"

namespace shoprl {

const EmbeddedConfig& quickstart_config();

}  // namespace shoprl
