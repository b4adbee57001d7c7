# Script mode: writes OUT, a C++ file holding the migration files FILES (sorted) as
# raw string literals in namespace NAMESPACE.
set(body "// Generated from the migration files; do not edit.\n#include <vector>\n#include \"common/db/migrate.h\"\n\nnamespace ${NAMESPACE} {\n\nconst std::vector<fhv::db::MigrationFile>& Migrations() {\n  static const auto* files = new std::vector<fhv::db::MigrationFile>{\n")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME)
  file(READ ${f} content)
  string(FIND "${content}" ")fhvsql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string delimiter )fhvsql\"")
  endif()
  string(APPEND body "      {\"${name}\", R\"fhvsql(${content})fhvsql\"},\n")
endforeach()
string(APPEND body "  };\n  return *files;\n}\n\n}  // namespace ${NAMESPACE}\n")
file(WRITE ${OUT} "${body}")
