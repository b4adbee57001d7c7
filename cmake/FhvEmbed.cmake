# fhv_embed_migrations(TARGET <lib> NAMESPACE <ns> DIR <migrations dir>)
# Compiles every V<NNN>__<name>.sql file of DIR into the library, so a binary carries
# its own migrations. Exposes `const std::vector<fhv::db::MigrationFile>& <ns>::Migrations()`.
function(fhv_embed_migrations)
  cmake_parse_arguments(ARG "" "TARGET;NAMESPACE;DIR" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS ${ARG_DIR}/V*.sql)
  list(SORT sql_files)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}_migrations.cc)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${ARG_NAMESPACE}
            "-DFILES=${sql_files}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake
    DEPENDS ${sql_files} ${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake
    COMMENT "embedding migrations of ${ARG_TARGET}"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE ${out})
endfunction()
