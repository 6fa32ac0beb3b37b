"""What the benchmark scripts share: the simulator's credentials, starting the simulator and the
agent against it, waiting for a process to answer on HTTP, and stopping the processes a script
started."""
import subprocess
import time
import urllib.error
import urllib.request

# The simulator's fixed key pair, and a PATH without the developer's own tools.
SIMULATOR_ENVIRONMENT = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tSimulatorKeyId",
                         "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "SimulatorSecretNotForProduction", "PATH": "/usr/bin:/bin"}


def wait_until_answers(url, timeout=30, status=None, every=0.1):
    """True once `url` answers (with `status` when given, else with anything, even a 404);
    False after `timeout` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if status is None or answer.status == status:
                    return True
        except urllib.error.HTTPError as error:
            if status is None or error.code == status:
                return True
        except Exception:
            pass
        time.sleep(every)
    return False


def stop(processes):
    """Terminates every process, then waits for each."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait()


def start_simulator_and_agent(exporter, domains, simulator_port, agent_port, processes, extra=()):
    """Starts `simulate --domain-count DOMAINS` and the exporter polling it (both appended to
    `processes`, for stop()); returns the agent's process once the simulator answers."""
    simulator = subprocess.Popen([exporter, "simulate", "--web.listen-address", "127.0.0.1:%d" % simulator_port, "--domain-count", str(domains)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes.append(simulator)
    wait_until_answers("http://127.0.0.1:%d/" % simulator_port)
    agent = subprocess.Popen([exporter, "--web.listen-address", "127.0.0.1:%d" % agent_port, "--aliyun.endpoint",
                              "http://127.0.0.1:%d" % simulator_port, "--api.max-qps", "100", "--log.level", "warn", *extra],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=SIMULATOR_ENVIRONMENT)
    processes.append(agent)
    return agent
