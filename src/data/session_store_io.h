// Reading and writing the HDF5 session store (schema: docs/data-format.md).
#pragma once

#include <filesystem>

#include "data/session_store.h"

namespace shoprl {

inline constexpr const char* kStoreMagic = "shoprl-session-store";
inline constexpr int kStoreFormatVersion = 1;

// Writes atomically (temporary file, then rename): a failure leaves no partial store and keeps
// any earlier file at `path`. Datasets are chunked and deflate-compressed.
void write_session_store(const SessionStore& store, const std::filesystem::path& path);

// Reads and validates a whole store. IoError for a missing file; DataError naming the file
// and dataset for anything that is not a consistent shoprl store (not HDF5, truncated, wrong
// magic or version, missing dataset, inconsistent lengths, out-of-range indices).
SessionStore read_session_store(const std::filesystem::path& path);

}  // namespace shoprl
