"""Calls the seven VOD CDN operations of the seed document through Alibaba's official Python
SDKs against a running `vodcdn-exporter simulate`, and checks the answers.

  check_python_sdks.py HOST:PORT ACCESS_KEY_ID ACCESS_KEY_SECRET DOMAIN

The old SDK (aliyun-python-sdk-core + aliyun-python-sdk-vod, signature V2) is called exactly as
the seed document does; the new one (alibabacloud-vod20170321, signature V3) makes the same
calls. Prints one line per call and exits non-zero on the first failure.
"""
import datetime
import json
import sys


def window(hours=2):
    """The last `hours` hours up to the current 5-minute boundary. Logs ask for three: an hour's
    file is listed only once the hour is over (plus a delay), so a two-hour window that starts a
    few minutes past the hour may hold no complete hour early in the next one."""
    end = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    end -= datetime.timedelta(minutes=end.minute % 5)
    start = end - datetime.timedelta(hours=hours)
    return start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ")


def check(name, condition, detail):
    if not condition:
        print("FAIL %s: %s" % (name, detail))
        sys.exit(1)
    print("ok   %s" % name)


def old_sdk(endpoint, key_id, secret, domain):
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkvod.request.v20170321 import (
        DescribeVodDomainBpsDataRequest, DescribeVodDomainLogRequest, DescribeVodDomainTrafficDataRequest,
        DescribeVodRefreshQuotaRequest, DescribeVodRefreshTasksRequest, PreloadVodObjectCachesRequest,
        RefreshVodObjectCachesRequest)

    client = AcsClient(key_id, secret, "cn-shanghai")
    start, end = window()

    def call(request):
        request.set_endpoint(endpoint)
        request.set_protocol_type("http")
        request.set_accept_format("JSON")
        return json.loads(client.do_action_with_exception(request))

    request = PreloadVodObjectCachesRequest.PreloadVodObjectCachesRequest()
    request.set_ObjectPath("\n".join(["http://%s/fd.mp4" % domain, "http://%s/ld.mp4" % domain]))
    res = call(request)
    check("v2 PreloadVodObjectCaches", res.get("PreloadTaskId"), res)

    request = RefreshVodObjectCachesRequest.RefreshVodObjectCachesRequest()
    request.set_ObjectPath("\n".join(["http://%s/fd.mp4" % domain, "http://%s/ld.mp4" % domain]))
    res = call(request)
    check("v2 RefreshVodObjectCaches", res.get("RefreshTaskId"), res)

    request = DescribeVodRefreshTasksRequest.DescribeVodRefreshTasksRequest()
    request.set_DomainName(domain)
    request.set_ObjectType("preload")
    res = call(request)
    check("v2 DescribeVodRefreshTasks", len(res["Tasks"]["Task"]) == 2, res)

    res = call(DescribeVodRefreshQuotaRequest.DescribeVodRefreshQuotaRequest())
    check("v2 DescribeVodRefreshQuota", int(res["PreloadRemain"]) == int(res["PreloadQuota"]) - 2, res)

    request = DescribeVodDomainTrafficDataRequest.DescribeVodDomainTrafficDataRequest()
    request.set_DomainName(domain)
    request.set_StartTime(start)
    request.set_EndTime(end)
    res = call(request)
    modules = res["TrafficDataPerInterval"]["DataModule"]
    check("v2 DescribeVodDomainTrafficData", len(modules) >= 20 and isinstance(modules[0]["Value"], str), res["DataInterval"])

    request = DescribeVodDomainBpsDataRequest.DescribeVodDomainBpsDataRequest()
    request.set_DomainName(domain)
    request.set_StartTime(start)
    request.set_EndTime(end)
    res = call(request)
    check("v2 DescribeVodDomainBpsData", len(res["BpsDataPerInterval"]["DataModule"]) >= 20, res["DataInterval"])

    log_start, log_end = window(hours=3)
    request = DescribeVodDomainLogRequest.DescribeVodDomainLogRequest()
    request.set_DomainName(domain)
    request.set_StartTime(log_start)
    request.set_EndTime(log_end)
    request.set_PageNumber(1)
    request.set_PageSize(300)
    res = call(request)
    detail = res["DomainLogDetails"]["DomainLogDetail"][0]
    check("v2 DescribeVodDomainLog", detail["PageInfos"]["Total"] >= 1, detail["PageInfos"])


def new_sdk(endpoint, key_id, secret, domain):
    from alibabacloud_tea_openapi import models as open_api_models
    from alibabacloud_tea_util import models as util_models
    from alibabacloud_vod20170321 import models
    from alibabacloud_vod20170321.client import Client

    client = Client(open_api_models.Config(access_key_id=key_id, access_key_secret=secret, endpoint=endpoint, protocol="http"))
    runtime = util_models.RuntimeOptions()
    start, end = window()
    paths = "\n".join(["http://%s/v3-a.mp4" % domain, "http://%s/v3-b.mp4" % domain])

    res = client.preload_vod_object_caches_with_options(models.PreloadVodObjectCachesRequest(object_path=paths), runtime).body
    check("v3 PreloadVodObjectCaches", res.preload_task_id, res)
    res = client.refresh_vod_object_caches_with_options(models.RefreshVodObjectCachesRequest(object_path=paths, object_type="File"), runtime).body
    check("v3 RefreshVodObjectCaches", res.refresh_task_id, res)
    res = client.describe_vod_refresh_tasks_with_options(
        models.DescribeVodRefreshTasksRequest(domain_name=domain, object_type="file"), runtime).body
    check("v3 DescribeVodRefreshTasks", res.total_count >= 2, res.total_count)
    res = client.describe_vod_refresh_quota_with_options(models.DescribeVodRefreshQuotaRequest(), runtime).body
    check("v3 DescribeVodRefreshQuota", int(res.url_remain) < int(res.url_quota), (res.url_quota, res.url_remain))
    res = client.describe_vod_domain_traffic_data_with_options(
        models.DescribeVodDomainTrafficDataRequest(domain_name=domain, start_time=start, end_time=end), runtime).body
    check("v3 DescribeVodDomainTrafficData", len(res.traffic_data_per_interval.data_module) >= 20, res.data_interval)
    res = client.describe_vod_domain_bps_data_with_options(
        models.DescribeVodDomainBpsDataRequest(domain_name=domain, start_time=start, end_time=end), runtime).body
    check("v3 DescribeVodDomainBpsData", len(res.bps_data_per_interval.data_module) >= 20, res.data_interval)
    log_start, log_end = window(hours=3)
    res = client.describe_vod_domain_log_with_options(
        models.DescribeVodDomainLogRequest(domain_name=domain, start_time=log_start, end_time=log_end, page_number=1, page_size=300),
        runtime).body
    check("v3 DescribeVodDomainLog", res.domain_log_details.domain_log_detail[0].page_infos.total >= 1, res.request_id)


if __name__ == "__main__":
    endpoint, key_id, secret, domain = sys.argv[1:5]
    old_sdk(endpoint, key_id, secret, domain)
    new_sdk(endpoint, key_id, secret, domain)
    print("all calls passed")
