// Writes the report's three files, each atomically.
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "eval/evaluation_report.h"

namespace shoprl {

void write_evaluation_report(const EvaluationReport& report, const std::string& dir) {
  const std::filesystem::path folder(dir);
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) throw IoError(dir + ": cannot create the report folder: " + error.message());
  write_file_atomic(folder / "report.json", report_json(report));
  write_file_atomic(folder / "report.md", report_markdown(report));
  write_file_atomic(folder / "index.html", report_html(report));
}

}  // namespace shoprl
