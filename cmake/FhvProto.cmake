# fhv_proto_library(NAME <target> ROOT <dir> PROTOS <files...>)
# Generates C++ messages and gRPC stubs at build time into the build tree; nothing
# generated is committed.
find_program(FHV_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)

function(fhv_proto_library)
  cmake_parse_arguments(ARG "" "NAME;ROOT" "PROTOS" ${ARGN})
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/gen)
  file(MAKE_DIRECTORY ${out_dir})
  set(srcs)
  foreach(proto ${ARG_PROTOS})
    file(RELATIVE_PATH rel ${ARG_ROOT} ${proto})
    string(REGEX REPLACE "\\.proto$" "" base ${rel})
    set(gen ${out_dir}/${base}.pb.cc ${out_dir}/${base}.pb.h
            ${out_dir}/${base}.grpc.pb.cc ${out_dir}/${base}.grpc.pb.h)
    add_custom_command(
      OUTPUT ${gen}
      COMMAND protobuf::protoc
        --proto_path=${ARG_ROOT}
        --cpp_out=${out_dir}
        --grpc_out=${out_dir}
        --plugin=protoc-gen-grpc=${FHV_GRPC_CPP_PLUGIN}
        ${proto}
      DEPENDS ${proto} ${ARG_PROTOS}
      COMMENT "protoc ${rel}"
      VERBATIM)
    list(APPEND srcs ${out_dir}/${base}.pb.cc ${out_dir}/${base}.grpc.pb.cc)
  endforeach()
  add_library(${ARG_NAME} STATIC ${srcs})
  target_include_directories(${ARG_NAME} PUBLIC ${out_dir})
  target_link_libraries(${ARG_NAME} PUBLIC protobuf::libprotobuf gRPC::grpc++)
  # Generated code is not ours to warn about.
  target_compile_options(${ARG_NAME} PRIVATE -w)
endfunction()
