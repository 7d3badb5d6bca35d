// A small RAII layer over the HDF5 C API for the session store: handles that close themselves,
// and a file that writes and reads whole datasets and attributes by absolute path, throwing
// DataError or IoError messages that name the file and the dataset ("store.h5: dataset
// /events/item: ...").
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace shoprl {

// HDF5's hid_t, which is int64_t since HDF5 1.10 (asserted in hdf5_file.cpp); spelling it here
// keeps hdf5.h out of the headers that include this one.
using Hdf5Id = std::int64_t;

// Owns one HDF5 identifier and releases it with the close call of its kind.
class Hdf5Handle {
 public:
  enum class Kind {
    kFile,
    kGroup,
    kDataset,
    kDataspace,
    kDatatype,
    kPropertyList,
    kAttribute,
    kObject
  };

  Hdf5Handle() = default;
  Hdf5Handle(Kind kind, Hdf5Id id) : kind_(kind), id_(id) {}
  ~Hdf5Handle() { close(); }
  Hdf5Handle(Hdf5Handle&& other) noexcept : kind_(other.kind_), id_(other.id_) { other.id_ = -1; }
  Hdf5Handle& operator=(Hdf5Handle&& other) noexcept;
  Hdf5Handle(const Hdf5Handle&) = delete;
  Hdf5Handle& operator=(const Hdf5Handle&) = delete;

  Hdf5Id get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Releases the id now. False when HDF5 reports a failure, which matters for a file: its
  // close is the final flush.
  bool close();

 private:
  Kind kind_ = Kind::kObject;
  Hdf5Id id_ = -1;
};

// A dataset read whole; `rows` × `columns`, row-major (columns = 1 for a 1-D dataset).
template <typename T>
struct Hdf5Matrix {
  std::size_t rows = 0;
  std::size_t columns = 0;
  std::vector<T> values;
};

// Rows [first_row, first_row + row_count) of a dataset of any rank, flattened row-major, with
// the dataset's full shape (shape[0] rows of product(shape[1:]) values each).
template <typename T>
struct Hdf5Rows {
  std::vector<std::size_t> shape;
  std::size_t first_row = 0;
  std::vector<T> values;
  std::size_t row_size() const {
    std::size_t size = 1;
    for (std::size_t d = 1; d < shape.size(); ++d) size *= shape[d];
    return size;
  }
};

// The shape of a dataset and the rows of its chunks (0 when it is stored contiguous), so that
// a reader can stream it in blocks that do not split a chunk.
struct Hdf5DatasetInfo {
  std::vector<std::size_t> shape;
  std::size_t chunk_rows = 0;
};

// An open HDF5 file. Object paths are absolute ("/events/item"; "/" is the root group).
// Element types T: int8, int16, int32, int64, float, double.
class Hdf5File {
 public:
  // A new file, built in memory and written to `path` (created or truncated) by close().
  // `display_name` is what error messages call the file: the store writer writes to a
  // temporary path but reports the path the user asked for. Failures are IoErrors.
  static Hdf5File create(const std::filesystem::path& path, const std::string& display_name);
  // Opens read-only. IoError when the file is missing or unreadable; DataError when it is not
  // a readable HDF5 file. Failures while reading are DataErrors: the file is what is wrong.
  static Hdf5File open_read_only(const std::filesystem::path& path);

  Hdf5File(Hdf5File&&) noexcept;
  Hdf5File& operator=(Hdf5File&&) noexcept;
  // Closes without writing anything out.
  ~Hdf5File();

  const std::string& name() const { return name_; }
  // Whether a link exists at `path` (false, not an error, when a parent group is missing).
  bool exists(const std::string& path) const;

  // Creates the group at `path` and any missing parents; an existing group is kept.
  void create_group(const std::string& path);

  // Datasets are chunked (up to 1<<16 rows a chunk) with shuffle and deflate level 4; parent
  // groups are created as needed. Empty datasets are stored contiguous (chunks need >= 1 row).
  template <typename T>
  void write_array(const std::string& path, const std::vector<T>& values);
  template <typename T>
  void write_matrix(const std::string& path, const std::vector<T>& values, std::size_t rows,
                    std::size_t columns);
  // Fixed-length strings (H5T_C_S1, NULLPAD), as long as the longest value and at least 1.
  void write_strings(const std::string& path, const std::vector<std::string>& values);

  // DataError unless the dataset exists with the expected rank and a type that converts to T
  // without overflow (any integer width for integers, any float width for floats).
  template <typename T>
  std::vector<T> read_array(const std::string& path) const;
  template <typename T>
  Hdf5Matrix<T> read_matrix(const std::string& path) const;
  // Fixed-length (trailing NULs removed) or variable-length strings, rank 1.
  std::vector<std::string> read_strings(const std::string& path) const;
  // The length of the rank-1 dataset at `path`, of any type, without reading it.
  std::size_t array_rows(const std::string& path) const;
  // The shape (any rank >= 1) and chunking of the numeric dataset at `path`, without reading it.
  Hdf5DatasetInfo dataset_info(const std::string& path) const;
  // A range of rows of the dataset at `path`, of any rank >= 1 (an HDF5 hyperslab of whole
  // rows). T is double or int64. More lenient than read_array, for files written by other
  // programs (h5py from NumPy): integers, floats and h5py's bool (an enum over int8) all read;
  // floats read as int64 only when every value read is a whole number (DataError naming the
  // row otherwise), and integers too large for T are a DataError.
  template <typename T>
  Hdf5Rows<T> read_rows(const std::string& path, std::size_t first_row,
                        std::size_t row_count) const;

  // Attributes of the group or dataset at `object`. Strings are variable-length UTF-8, which
  // h5py returns as str; a string list is a 1-D array of them.
  bool has_attribute(const std::string& object, const std::string& name) const;
  void write_string_attribute(const std::string& object, const std::string& name,
                              const std::string& value);
  void write_string_list_attribute(const std::string& object, const std::string& name,
                                   const std::vector<std::string>& values);
  void write_int_attribute(const std::string& object, const std::string& name, std::int64_t value);
  void write_uint_attribute(const std::string& object, const std::string& name,
                            std::uint64_t value);
  std::string read_string_attribute(const std::string& object, const std::string& name) const;
  std::vector<std::string> read_string_list_attribute(const std::string& object,
                                                      const std::string& name) const;
  std::int64_t read_int_attribute(const std::string& object, const std::string& name) const;
  std::uint64_t read_uint_attribute(const std::string& object, const std::string& name) const;

  // Closes; a created file is written out here, IoError when that fails. Every other handle
  // must be closed already.
  void close();

 private:
  struct MemoryImage;
  Hdf5File(std::unique_ptr<MemoryImage> image, Hdf5Handle file, std::string name,
           std::filesystem::path write_to);

  // `data` holds rows × columns elements of `memory_type`; rank is 1 or 2.
  void write_dataset(const std::string& path, const void* data, int rank, std::size_t rows,
                     std::size_t columns, Hdf5Id memory_type, Hdf5Id stored_type);
  template <typename T>
  Hdf5Matrix<T> read_dataset(const std::string& path, int rank) const;
  // The dataset at `path` (any rank) and its shape.
  Hdf5Handle open_any_rank(const std::string& path, std::vector<std::size_t>& shape) const;
  // The dataset at `path` after checking its rank; `rows` and `columns` receive its shape.
  Hdf5Handle open_dataset(const std::string& path, int rank, std::size_t& rows,
                          std::size_t& columns) const;
  // Every string of a dataset or attribute `source`, fixed-length or variable-length.
  std::vector<std::string> read_string_values(const std::string& what, Hdf5Id source,
                                              bool is_attribute) const;
  // `data` may be null for an empty attribute.
  void write_attribute(const std::string& object, const std::string& name, Hdf5Id stored_type,
                       Hdf5Id memory_type, Hdf5Id space, const void* data);
  Hdf5Handle open_attribute(const std::string& object, const std::string& name) const;
  // An attribute holding one integer; `is_unsigned` receives its signedness.
  Hdf5Handle open_integer_attribute(const std::string& object, const std::string& name,
                                    bool& is_unsigned) const;
  // Throws about `what` ("dataset /events/item"), adding HDF5's innermost error message:
  // IoError in a file being written, DataError in a file being read (the file is at fault).
  [[noreturn]] void fail(const std::string& what, const std::string& problem) const;
  void create_parent_groups(const std::string& path);

  std::unique_ptr<MemoryImage> image_;  // a created file's memory; outlives file_
  Hdf5Handle file_;
  std::string name_;
  std::filesystem::path write_to_;  // empty when read-only
};

}  // namespace shoprl
