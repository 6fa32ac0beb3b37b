"""Prometheus's remote-write WriteRequest (prometheus/prompb: Label, Sample, TimeSeries,
WriteRequest) as a Google protobuf message class built from its descriptor, without protoc: the
independent implementation the tests and the encoder benchmark compare with."""
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def write_request_class():
    f = descriptor_pb2.FileDescriptorProto(name="remote.proto", package="prometheus", syntax="proto3")
    T = descriptor_pb2.FieldDescriptorProto

    def message(name, fields):
        m = f.message_type.add(name=name)
        for number, (field, kind, label, type_name) in enumerate(fields, 1):
            m.field.add(name=field, number=number, type=kind, label=label, type_name=type_name)

    message("Label", [("name", T.TYPE_STRING, T.LABEL_OPTIONAL, None), ("value", T.TYPE_STRING, T.LABEL_OPTIONAL, None)])
    message("Sample", [("value", T.TYPE_DOUBLE, T.LABEL_OPTIONAL, None), ("timestamp", T.TYPE_INT64, T.LABEL_OPTIONAL, None)])
    message("TimeSeries", [("labels", T.TYPE_MESSAGE, T.LABEL_REPEATED, ".prometheus.Label"),
                           ("samples", T.TYPE_MESSAGE, T.LABEL_REPEATED, ".prometheus.Sample")])
    message("WriteRequest", [("timeseries", T.TYPE_MESSAGE, T.LABEL_REPEATED, ".prometheus.TimeSeries")])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("prometheus.WriteRequest"))
