#!/bin/bash
# Interop checks of RocketNest against real Apache RocketMQ 4.9.4 / 5.2.0 (see test/interop/README.md).
# Needs the peers under /tmp/peers (shared/tools/apache-rocketmq/README.md). Not part of `npm test`.
#
#   npm run test:interop                 # = test/interop/run.sh all (checks 1-3, about 5 minutes)
#   test/interop/run.sh check1|check2|check3|throughput [runs]
#
# RocketNest runs from a private SWC build ($WORK/dist) on ports 17876 (name server) and 17911 (broker; below the
# ephemeral range), so it never
# collides with a 4.9.4 peer (9876/10911) or with anything started from the shared dist/. Logs go to $WORK/logs.
# Exit code: number of failed checks.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${INTEROP_WORK:-/tmp/rocketnest-interop}
P=/tmp/peers
NS_PORT=17876
BROKER_PORT=17911
NS=127.0.0.1:$NS_PORT
LOGS=$WORK/logs
TOOLS=$P/bin/tools494.sh
TOOLS520=$P/bin/tools520.sh
ADMIN=org.apache.rocketmq.tools.command.MQAdminStartup
FAILS=0
mkdir -p "$LOGS"

log() { echo "[$(date +%H:%M:%S)] $*"; }
pass() { log "PASS $*"; }
fail() { log "FAIL $*"; FAILS=$((FAILS + 1)); }
port_busy() { # a port taken now and still after 10 s
  for _ in $(seq 1 20); do ss -ltn | grep -qE ":$1\b" || return 1; sleep 0.5; done
  return 0
}

build() {
  log "building RocketNest into $WORK/dist (SWC, commit $(git -C "$ROOT" log --oneline -1 | cut -c1-60))"
  ln -sfn "$ROOT/node_modules" "$WORK/node_modules"
  (cd "$ROOT" && node node_modules/@swc/cli/bin/swc.js libs broker-server apps test/interop -d "$WORK/dist" \
    --config-file .swcrc --ignore '**/*.spec.ts,**/*.e2e-spec.ts,**/__fixtures__/**' --quiet --copy-files) || exit 99
}

# ---- RocketNest processes ----
start_rn_namesrv() {
  port_busy $NS_PORT && { log "port $NS_PORT busy"; return 1; }
  node "$WORK/dist/apps/namesrv/src/main.js" --listenPort $NS_PORT --healthPort -1 --kvConfigPath "$WORK/kv.json" \
    > "$LOGS/rn-namesrv.log" 2>&1 &
  echo $! > "$WORK/rn-namesrv.pid"
  for _ in $(seq 1 50); do grep -q 'boot success' "$LOGS/rn-namesrv.log" && return 0; sleep 0.2; done
  return 1
}
start_rn_dev() {  # name server + broker in one process, fresh store
  port_busy $NS_PORT && { log "port $NS_PORT busy"; return 1; }
  rm -rf "$WORK/store-dev"
  node "$WORK/dist/apps/dev-server/src/main.js" --namesrvPort $NS_PORT --brokerPort $BROKER_PORT --healthPort -1 \
    --storePathRootDir "$WORK/store-dev" "$@" > "$LOGS/rn-dev.log" 2>&1 &
  echo $! > "$WORK/rn-dev.pid"
  for _ in $(seq 1 50); do grep -q 'dev server is up' "$LOGS/rn-dev.log" && return 0; sleep 0.2; done
  return 1
}
stop_rn() { # name
  local f="$WORK/$1.pid"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f"); kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null; rm -f "$f"
}

# ---- Java helpers ----
admin() { NAMESRV_ADDR=$NS timeout 90 $TOOLS $ADMIN "$@" -n $NS 2>&1 | grep -vE '^SLF4J|^$'; }
# expect LOGFILE REGEX DESCRIPTION CMD...: run a mqadmin command, pass when the output matches
expect_admin() {
  local logf=$1 re=$2 what=$3; shift 3
  echo "=== mqadmin $*" >> "$logf"
  local out; out=$(admin "$@"); echo "$out" >> "$logf"
  if echo "$out" | grep -qE "$re"; then pass "$what"; else fail "$what: $(echo "$out" | grep -vE '^\s+at ' | head -3 | tr '\n' ' ' | cut -c1-300)"; fi
}
java_broker_conf() { # file: a 4.9.4 broker registering to OUR name server
  cat > "$1" <<EOF
brokerClusterName=JavaCluster
brokerName=java-broker-a
brokerId=0
namesrvAddr=$NS
brokerIP1=127.0.0.1
brokerIP2=127.0.0.1
listenPort=17921
haListenPort=17922
brokerRole=ASYNC_MASTER
flushDiskType=ASYNC_FLUSH
autoCreateTopicEnable=true
autoCreateSubscriptionGroup=true
storePathRootDir=$WORK/store494x
storePathCommitLog=$WORK/store494x/commitlog
mappedFileSizeCommitLog=67108864
EOF
}

quickstart() { # LOGPREFIX [TOOLS]: Java quickstart Producer (1000 msgs to TopicTest) then push Consumer (30 s): all back?
  local pre=$1 TOOLS=${2:-$TOOLS}
  NAMESRV_ADDR=$NS timeout 120 $TOOLS org.apache.rocketmq.example.quickstart.Producer > "$LOGS/$pre-producer.log" 2>&1
  local ok; ok=$(grep -c 'sendStatus=SEND_OK' "$LOGS/$pre-producer.log")
  [ "$ok" = 1000 ] && pass "$pre: Java quickstart Producer 1000/1000 SEND_OK" || fail "$pre: Java quickstart Producer SEND_OK=$ok/1000"
  NAMESRV_ADDR=$NS timeout 30 $TOOLS org.apache.rocketmq.example.quickstart.Consumer > "$LOGS/$pre-consumer.log" 2>&1
  local got; got=$(grep -o 'msgId=[0-9A-F]*' "$LOGS/$pre-consumer.log" | sort -u | wc -l)
  [ "$got" -ge 1000 ] && pass "$pre: Java quickstart push Consumer got $got distinct messages" || fail "$pre: Java quickstart Consumer got $got/1000"
}

# ---- check 1: our name server, real Java 4.9.4 broker, Java admin and clients ----
check1() {
  log "check1: RocketNest name server + Apache RocketMQ 4.9.4 broker"
  start_rn_namesrv || { fail "check1: RocketNest name server did not start"; return; }
  rm -rf "$WORK/store494x"; java_broker_conf "$WORK/broker494x.conf"
  $P/bin/rmq494.sh broker "$WORK/broker494x.conf" rn-interop-broker494x > "$LOGS/check1-javabroker.log" 2>&1
  if ! grep -q 'boot success' "$LOGS/check1-javabroker.log"; then fail "check1: Java broker did not start"; stop_rn rn-namesrv; return; fi
  sleep 2
  local L=$LOGS/check1-admin.log; : > "$L"
  expect_admin "$L" 'JavaCluster +java-broker-a +0 +127.0.0.1:17921 +V4_9_4' "check1: clusterList shows the Java broker" clusterList
  expect_admin "$L" 'success' "check1: updateTopic" updateTopic -c JavaCluster -t InteropT1 -r 4 -w 4
  expect_admin "$L" '^InteropT1$' "check1: topicList" topicList
  expect_admin "$L" '"writeQueueNums":4' "check1: topicRoute" topicRoute -t InteropT1
  expect_admin "$L" 'JavaCluster +InteropT1' "check1: topicList -c" topicList -c
  expect_admin "$L" "listenPort += +$NS_PORT" "check1: getNamesrvConfig" getNamesrvConfig
  expect_admin "$L" 'success' "check1: updateKvConfig" updateKvConfig -s ORDER_TOPIC_CONFIG -k InteropT1 -v java-broker-a:4
  expect_admin "$L" 'OK, [0-9]+' "check1: wipeWritePerm" wipeWritePerm -b java-broker-a
  expect_admin "$L" 'OK, [0-9]+' "check1: addWritePerm" addWritePerm -b java-broker-a
  quickstart check1
  expect_admin "$L" 'Diff Total: 0' "check1: consumerProgress" consumerProgress -g please_rename_unique_group_name_4
  expect_admin "$L" 'delete topic \[InteropT1\] from NameServer success' "check1: deleteTopic" deleteTopic -c JavaCluster -t InteropT1
  expect_admin "$L" 'CODE: 17' "check1: topicRoute of a deleted topic answers TOPIC_NOT_EXIST" topicRoute -t InteropT1
  $P/bin/rmq494.sh stop-named rn-interop-broker494x
  check1_520
  stop_rn rn-namesrv
}

# a 5.2.0 broker registering to our name server (rmq520.sh has no broker-only mode: same JVM line as its run())
check1_520() {
  local R=$P/dist520/rocketmq-all-5.2.0-bin-release
  sed -e 's/^brokerClusterName=.*/brokerClusterName=Java520Cluster/; s/^brokerName=.*/brokerName=java520-broker-a/' \
    -e 's/^listenPort=.*/listenPort=17931/; s/^haListenPort=.*/haListenPort=17932/; s#store494x#store520x#g' \
    "$WORK/broker494x.conf" > "$WORK/broker520x.conf"
  echo "bindAddress=127.0.0.1" >> "$WORK/broker520x.conf"
  rm -rf "$WORK/store520x"
  ROCKETMQ_HOME=$R LD_PRELOAD=$P/shim/libbindlo.so java -server -Xms256m -Xmx512m -XX:MaxDirectMemorySize=512m \
    -XX:+UseG1GC -Djava.net.preferIPv4Stack=true -Duser.home="$WORK/home520x" \
    -Drmq.logback.configurationFile=$R/conf/rmq.broker.logback.xml -cp "$($P/bin/rmq520.sh cp)" \
    org.apache.rocketmq.broker.BrokerStartup -c "$WORK/broker520x.conf" > "$LOGS/check1-javabroker520.log" 2>&1 &
  local bpid=$!
  for _ in $(seq 1 90); do grep -q 'boot success' "$LOGS/check1-javabroker520.log" && break; sleep 1; done
  local L=$LOGS/check1-admin520.log; : > "$L"
  local seen=""
  for _ in $(seq 1 20); do # the 5.x broker registers shortly after "boot success"
    NAMESRV_ADDR=$NS timeout 60 $TOOLS520 $ADMIN clusterList -n $NS 2>&1 | grep -E 'Java520Cluster +java520-broker-a +0 +127.0.0.1:17931 +V5_2_0' && { seen=1; break; }
    sleep 2
  done >> "$L"
  [ -n "$seen" ] && pass "check1: 5.2.0 broker registered (5.2.0 mqadmin clusterList)" || fail "check1: 5.2.0 broker not in clusterList"
  quickstart check1-520 $TOOLS520
  kill $bpid; for _ in $(seq 1 60); do kill -0 $bpid 2>/dev/null || break; sleep 1; done; kill -9 $bpid 2>/dev/null
}

# ---- check 2: our dev-server (name server + broker), Java 4.9.4 clients and mqadmin ----
check2() {
  log "check2: RocketNest dev-server + Apache RocketMQ 4.9.4 clients"
  start_rn_dev --enablePropertyFilter true || { fail "check2: dev-server did not start"; return; }
  quickstart check2
  local L=$LOGS/check2-admin.log; : > "$L"
  local mid umid
  mid=$(grep -o 'offsetMsgId=[0-9A-F]*' "$LOGS/check2-producer.log" | head -1 | cut -d= -f2)
  umid=$(grep -o ' msgId=[0-9A-F]*' "$LOGS/check2-producer.log" | head -1 | cut -d= -f2)
  expect_admin "$L" "DefaultCluster +broker-a +0 +127.0.0.1:$BROKER_PORT" "check2: clusterList" clusterList
  expect_admin "$L" '^TopicTest$' "check2: topicList" topicList
  expect_admin "$L" 'success' "check2: updateTopic" updateTopic -c DefaultCluster -t BenchT -r 8 -w 8
  expect_admin "$L" '"writeQueueNums":8' "check2: topicRoute" topicRoute -t BenchT
  expect_admin "$L" 'broker-a +3 +0 +250' "check2: topicStatus" topicStatus -t TopicTest
  expect_admin "$L" 'Diff Total: 0' "check2: consumerProgress -g" consumerProgress -g please_rename_unique_group_name_4
  expect_admin "$L" 'Topic: +TopicTest' "check2: queryMsgById" queryMsgById -i "$mid"
  expect_admin "$L" 'Topic: +TopicTest' "check2: queryMsgByUniqueKey" queryMsgByUniqueKey -i "$umid" -t TopicTest
  expect_admin "$L" 'Topic: +TopicTest' "check2: queryMsgByOffset" queryMsgByOffset -t TopicTest -b broker-a -i 0 -o 0
  expect_admin "$L" 'msgPutTotalTodayNow +: 1000' "check2: brokerStatus" brokerStatus -b 127.0.0.1:$BROKER_PORT
  expect_admin "$L" 'brokerName += +broker-a' "check2: getBrokerConfig" getBrokerConfig -b 127.0.0.1:$BROKER_PORT
  expect_admin "$L" 'success' "check2: updateSubGroup" updateSubGroup -c DefaultCluster -g InteropGroup
  expect_admin "$L" 'clone group offset success' "check2: cloneGroupOffset" cloneGroupOffset -s please_rename_unique_group_name_4 -d InteropGroup -t TopicTest
  expect_admin "$L" 'TopicTest +please_rename_unique_group_name_4' "check2: statsAll" statsAll
  expect_admin "$L" '#rollbackOffset' "check2: resetOffsetByTime" resetOffsetByTime -g please_rename_unique_group_name_4 -t TopicTest -s 0
  expect_admin "$L" 'Avg RT' "check2: checkMsgSendRT" checkMsgSendRT -t TopicTest -a 5 -s 128
  expect_admin "$L" 'SEND_OK' "check2: sendMessage" sendMessage -t TopicTest -p hello
  expect_admin "$L" 'Consume ok' "check2: consumeMessage" consumeMessage -t TopicTest -b broker-a -i 0 -o 0 -c 2
  expect_admin "$L" 'update broker config success' "check2: updateBrokerConfig" updateBrokerConfig -b 127.0.0.1:$BROKER_PORT -k maxMessageSize -v 4194304
  expect_admin "$L" '#Producer|please_rename_unique_group_name|not online|CODE: 206|no producer' "check2: producerConnection (GET_PRODUCER_CONNECTION_LIST 204)" producerConnection -g please_rename_unique_group_name -t TopicTest
  expect_admin "$L" '#Topic +#Group' "check2: brokerConsumeStats (GET_BROKER_CONSUME_STATS 317)" brokerConsumeStats -b 127.0.0.1:$BROKER_PORT
  expect_admin "$L" 'delete subscription group \[InteropGroup\]' "check2: deleteSubGroup" deleteSubGroup -c DefaultCluster -g InteropGroup
  # every request code a 4.9.4 broker serves (minus ACL / filter server): which does RocketNest answer "not supported"?
  node "$WORK/dist/test/interop/probe-codes.interop.js" --broker 127.0.0.1:$BROKER_PORT > "$LOGS/check2-probe-codes.log" 2>&1 \
    && pass "check2: every 4.9.4 broker request code is served" \
    || fail "check2: request codes answered REQUEST_CODE_NOT_SUPPORTED: $(tail -1 "$LOGS/check2-probe-codes.log" | grep -o '"unsupported":.*' | cut -c1-400)"

  # benchmark Producer 20 s, then benchmark Consumer 25 s on the same topic
  NAMESRV_ADDR=$NS TOOLS_JOPTS="-Xms256m -Xmx512m" timeout 25 $TOOLS org.apache.rocketmq.example.benchmark.Producer -n $NS -t BenchT -w 16 -s 1024 > "$LOGS/check2-benchprod.log" 2>&1
  local tps; tps=$(grep -o 'Send TPS: [0-9]*' "$LOGS/check2-benchprod.log" | tail -1 | awk '{print $3}')
  local sf; sf=$(grep -o 'Send Failed: [0-9]*' "$LOGS/check2-benchprod.log" | tail -1 | awk '{print $3}')
  [ -n "$tps" ] && [ "$tps" -gt 0 ] && [ "${sf:-1}" = 0 ] && pass "check2: Java benchmark Producer, last 10 s window $tps msg/s, 0 failed" || fail "check2: Java benchmark Producer tps=$tps failed=$sf"
  NAMESRV_ADDR=$NS TOOLS_JOPTS="-Xms256m -Xmx512m" timeout 25 $TOOLS org.apache.rocketmq.example.benchmark.Consumer -n $NS -t BenchT -g interopBenchC > "$LOGS/check2-benchcons.log" 2>&1
  tps=$(grep -o ' TPS: [0-9]*' "$LOGS/check2-benchcons.log" | awk '{print $2}' | sort -n | tail -1)
  [ -n "$tps" ] && [ "$tps" -gt 0 ] && pass "check2: Java benchmark Consumer, best 10 s window $tps msg/s" || fail "check2: Java benchmark Consumer consumed nothing"

  # transaction example: 10 half messages, listener answers UNKNOW; check-backs commit i%3==1 (3 messages)
  NAMESRV_ADDR=$NS timeout 75 $TOOLS org.apache.rocketmq.example.transaction.TransactionProducer > "$LOGS/check2-txprod.log" 2>&1
  local committed; committed=$(admin topicStatus -t TopicTest1234 | awk '$1=="broker-a" {s+=$4} END {print s+0}')
  [ "$(grep -c SEND_OK "$LOGS/check2-txprod.log")" = 10 ] && [ "$committed" = 3 ] && pass "check2: Java TransactionProducer: 10 half messages, 3 committed by check-back" || fail "check2: Java TransactionProducer: SEND_OK=$(grep -c SEND_OK "$LOGS/check2-txprod.log") committed=$committed (expected 10 and 3)"

  # orderly: ordermessage Producer (selector) + ordermessage Consumer (orderly listener, suspends) on TopicTest
  NAMESRV_ADDR=$NS timeout 60 $TOOLS org.apache.rocketmq.example.ordermessage.Producer > "$LOGS/check2-orderprod.log" 2>&1
  [ "$(grep -c SEND_OK "$LOGS/check2-orderprod.log")" = 100 ] && pass "check2: Java ordermessage Producer 100 SEND_OK" || fail "check2: Java ordermessage Producer"
  NAMESRV_ADDR=$NS timeout 30 $TOOLS org.apache.rocketmq.example.ordermessage.Consumer > "$LOGS/check2-ordercons.log" 2>&1
  local res; res=$(grep -o 'queueId=[0-9]*, storeSize=[0-9]*, queueOffset=[0-9]*' "$LOGS/check2-ordercons.log" | awk -F'[=,]' '{q=$2; o=$6; if (q in last && o < last[q]) bad++; last[q]=o; n++} END {print n+0, bad+0}')
  set -- $res
  [ "$1" -gt 100 ] && [ "$2" = 0 ] && pass "check2: Java orderly Consumer: $1 deliveries, none out of queue order" || fail "check2: Java orderly Consumer: deliveries=$1 backwards=$2"
  check2_more
  check2_520
  stop_rn rn-dev
}

# more 4.9.4 examples: SQL92 filter, batch, delay levels, broadcasting
check2_more() {
  NAMESRV_ADDR=$NS timeout 60 $TOOLS org.apache.rocketmq.example.filter.SqlFilterProducer > "$LOGS/check2-sqlprod.log" 2>&1
  NAMESRV_ADDR=$NS timeout 25 $TOOLS org.apache.rocketmq.example.filter.SqlFilterConsumer > "$LOGS/check2-sqlcons.log" 2>&1
  local bodies; bodies=$(grep -o 'Receive New Messages' "$LOGS/check2-sqlcons.log" | wc -l)
  local ids; ids=$(grep -o 'body=\[[0-9, ]*\]' "$LOGS/check2-sqlcons.log" | sort -u | wc -l)
  # a between 0 and 3 and TAGS in (TagA, TagB): i = 0 (TagA), 1 (TagB), 3 (TagA)
  [ "$(grep -c SEND_OK "$LOGS/check2-sqlprod.log")" = 10 ] && [ "$ids" = 3 ] && pass "check2: SQL92 filter example: 3 of 10 messages delivered" || fail "check2: SQL92 filter example: $ids distinct bodies delivered ($bodies deliveries), expected 3: $(grep -m1 -E 'Exception' "$LOGS/check2-sqlcons.log" | cut -c1-200)"
  NAMESRV_ADDR=$NS timeout 20 $TOOLS org.apache.rocketmq.example.batch.SimpleBatchProducer > "$LOGS/check2-batch.log" 2>&1
  grep -qE 'sendStatus=SEND_OK, msgId=[0-9A-F]{32},[0-9A-F]{32},[0-9A-F]{32}' "$LOGS/check2-batch.log" && pass "check2: SimpleBatchProducer: one SEND_OK with 3 ids" || fail "check2: SimpleBatchProducer: $(grep -m1 -E 'SendResult|Exception' "$LOGS/check2-batch.log" | cut -c1-200)"
  NAMESRV_ADDR=$NS timeout 60 $TOOLS org.apache.rocketmq.example.schedule.ScheduledMessageProducer > "$LOGS/check2-schedprod.log" 2>&1
  local t0; t0=$(date +%s)
  NAMESRV_ADDR=$NS timeout 30 $TOOLS org.apache.rocketmq.example.schedule.ScheduledMessageConsumer > "$LOGS/check2-schedcons.log" 2>&1
  local n; n=$(grep -o 'Receive message\[msgId=[0-9A-F]*' "$LOGS/check2-schedcons.log" | sort -u | wc -l)
  [ "$(grep -o SEND_OK "$LOGS/check2-schedprod.log" | wc -l)" = 100 ] && [ "$n" = 100 ] && pass "check2: ScheduledMessage example (delay level 3): 100 sent, 100 delivered" || fail "check2: ScheduledMessage example: $n/100 delivered"
  # 45 s: if the client's rebalance bumps subVersion while its heartbeat lock is busy ("lock heartBeat, but failed"),
  # pulls answer SUBSCRIPTION_NOT_LATEST (25, as a Java broker does) until the next 30-s heartbeat
  NAMESRV_ADDR=$NS timeout 45 $TOOLS org.apache.rocketmq.example.broadcast.PushConsumer > "$LOGS/check2-broadcast.log" 2>&1
  n=$(grep -o 'msgId=[0-9A-F]*' "$LOGS/check2-broadcast.log" | sort -u | wc -l)
  [ "$n" -ge 1000 ] && pass "check2: broadcasting PushConsumer example got $n messages" || fail "check2: broadcasting PushConsumer got $n: $(grep -m1 Exception "$LOGS/check2-broadcast.log" | cut -c1-200)"
}

# 5.2.0 clients and mqadmin against our dev-server (started by check2)
check2_520() {
  quickstart check2-520 $TOOLS520
  local L=$LOGS/check2-admin520.log; : > "$L"
  TOOLS=$TOOLS520 expect_admin "$L" "DefaultCluster +broker-a +0 +127.0.0.1:$BROKER_PORT .* true" "check2: 5.2.0 clusterList" clusterList
  TOOLS=$TOOLS520 expect_admin "$L" 'Consume Diff Total: 0' "check2: 5.2.0 consumerProgress" consumerProgress -g please_rename_unique_group_name_4
  TOOLS=$TOOLS520 expect_admin "$L" 'No producer|#ClientId|clientId|producer group' "check2: 5.2.0 producer -b (GET_ALL_PRODUCER_INFO 328)" producer -b 127.0.0.1:$BROKER_PORT
  TOOLS=$TOOLS520 expect_admin "$L" 'export .*success|exportPath|metadata' "check2: 5.2.0 exportMetadata (GET_SYSTEM_TOPIC_LIST_FROM_BROKER 305)" exportMetadata -c DefaultCluster -f "$WORK/export"
  # 5.x timer messages: 10 messages due 10 s after sending; TIMER_OUT_MS is rounded down to timerPrecisionMs as in Java
  NAMESRV_ADDR=$NS timeout 60 $TOOLS520 org.apache.rocketmq.example.schedule.TimerMessageProducer > "$LOGS/check2-520-timerprod.log" 2>&1
  NAMESRV_ADDR=$NS timeout 25 $TOOLS520 org.apache.rocketmq.example.schedule.TimerMessageConsumer > "$LOGS/check2-520-timercons.log" 2>&1
  local n; n=$(grep -o 'Receive message\[msgId=[0-9A-F]*' "$LOGS/check2-520-timercons.log" | sort -u | wc -l)
  local early; early=$(grep -o '[0-9]*  ms later' "$LOGS/check2-520-timercons.log" | awk '$1 < 8000' | wc -l)
  [ "$n" = 10 ] && [ "$early" = 0 ] && pass "check2: 5.2.0 timer messages (setDeliverTimeMs +10 s) delivered, none before 8 s" || fail "check2: 5.2.0 timer messages: received $n/10, $early earlier than 8 s"
  # 5.x POP consumption (the example switches the group to POP with SET_MESSAGE_REQUEST_MODE first)
  NAMESRV_ADDR=$NS timeout 30 $TOOLS520 org.apache.rocketmq.example.simple.PopConsumer > "$LOGS/check2-520-pop.log" 2>&1
  n=$(grep -o 'msgId=[0-9A-F]*' "$LOGS/check2-520-pop.log" | sort -u | wc -l)
  [ "$n" -ge 1000 ] && pass "check2: 5.2.0 PopConsumer got $n messages" || fail "check2: 5.2.0 PopConsumer got $n messages: $(grep -E 'Exception' "$LOGS/check2-520-pop.log" | head -1 | cut -c1-200)"
}

# ---- check 3: @rocketnest/client against real brokers ----
check3_one() { # label namesrv
  timeout 300 node "$WORK/dist/test/interop/client-vs-java.interop.js" --namesrv "$2" --label "$1" > "$LOGS/check3-$1.log" 2>&1
  local rc=$?
  grep -E '^(PASS|FAIL)' "$LOGS/check3-$1.log" | sed "s/^/  [$1] /"
  [ $rc = 0 ] && pass "check3: @rocketnest/client against $1" || fail "check3: @rocketnest/client against $1 (exit $rc, see $LOGS/check3-$1.log)"
}
check3() {
  log "check3: @rocketnest/client against Apache RocketMQ 4.9.4 and 5.2.0"
  # a peer someone else already runs on the standard ports is reused as it is (the checks use unique names)
  if port_busy 9876 && port_busy 10911; then log "4.9.4 already running on 9876/10911: reusing it"; check3_one rmq494 127.0.0.1:9876
  elif port_busy 9876 || port_busy 10911; then fail "check3: only one of 9876/10911 busy, 4.9.4 not started"; else
    $P/bin/rmq494.sh start > "$LOGS/rmq494.log" 2>&1
    check3_one rmq494 127.0.0.1:9876
    $P/bin/rmq494.sh stop > /dev/null 2>&1
  fi
  if port_busy 9877 && port_busy 10931; then log "5.2.0 already running on 9877/10931: reusing it"; check3_one rmq520 127.0.0.1:9877
  elif port_busy 9877 || port_busy 10931; then fail "check3: only one of 9877/10931 busy, 5.2.0 not started"; else
    $P/bin/rmq520.sh start > "$LOGS/rmq520.log" 2>&1
    check3_one rmq520 127.0.0.1:9877
    $P/bin/rmq520.sh stop > /dev/null 2>&1
  fi
  start_rn_dev || { fail "check3: dev-server did not start"; return; }
  check3_one rocketnest $NS
  stop_rn rn-dev
}

# ---- check 4: throughput, Java benchmark Producer (-w 16 -s 1024) and npm run bench -- producer ----
java_bench() { # label seconds -> prints the mean of the 10 s windows after the first
  NAMESRV_ADDR=$NS TOOLS_JOPTS="-Xms512m -Xmx512m" timeout $(($2 + 6)) $TOOLS org.apache.rocketmq.example.benchmark.Producer -n "$3" -t BenchT -w 16 -s 1024 > "$LOGS/tp-$1.log" 2>&1
  grep -o 'Send TPS: [0-9]*' "$LOGS/tp-$1.log" | awk '{print $3}' | tail -n +2 | awk '{s+=$1; n++} END {if (n) printf "%d", s/n; else print 0}'
}
node_bench() { # label seconds namesrv
  node "$WORK/dist/apps/benchmark/src/main.js" producer --namesrv "$3" --topic BenchT --size 1024 --threads 16 --duration "$2" > "$LOGS/tp-$1.log" 2>&1
  grep '"summary":true' "$LOGS/tp-$1.log" | grep -o '"msgsPerSec":[0-9.]*' | cut -d: -f2 | cut -d. -f1
}
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }
throughput() {
  local runs=${1:-3} secs=${TP_SECONDS:-30} j494="" jrn="" n494="" nrn=""
  log "throughput: $runs interleaved runs of $secs s each; load $(cut -d' ' -f1-3 /proc/loadavg)"
  # never stop or clean a 4.9.4 peer someone else is running: it is stopped and started here between runs
  if port_busy 9876 || port_busy 10911; then fail "throughput: 9876/10911 in use (a 4.9.4 peer someone else runs?); stop it first"; return; fi
  for r in $(seq 1 "$runs"); do
    $P/bin/rmq494.sh start > "$LOGS/rmq494.log" 2>&1
    NS=127.0.0.1:9876 admin updateTopic -c DefaultCluster -t BenchT -r 8 -w 8 > /dev/null
    local a; a=$(java_bench "java-rmq494-$r" "$secs" 127.0.0.1:9876); j494="$j494 $a"
    local b; b=$(node_bench "node-rmq494-$r" "$secs" 127.0.0.1:9876); n494="$n494 $b"
    $P/bin/rmq494.sh stop > /dev/null 2>&1
    start_rn_dev || { fail "throughput: dev-server did not start"; return; }
    admin updateTopic -c DefaultCluster -t BenchT -r 8 -w 8 > /dev/null
    local c; c=$(java_bench "java-rocketnest-$r" "$secs" $NS); jrn="$jrn $c"
    local d; d=$(node_bench "node-rocketnest-$r" "$secs" $NS); nrn="$nrn $d"
    stop_rn rn-dev
    log "run $r: Java bench -> 4.9.4 $a, -> RocketNest $c; npm bench -> 4.9.4 $b, -> RocketNest $d msg/s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
  log "median msg/s: Java benchmark Producer -> 4.9.4 $(echo $j494 | tr ' ' '\n' | median) [$j494 ], -> RocketNest $(echo $jrn | tr ' ' '\n' | median) [$jrn ]"
  log "median msg/s: npm run bench producer -> 4.9.4 $(echo $n494 | tr ' ' '\n' | median) [$n494 ], -> RocketNest $(echo $nrn | tr ' ' '\n' | median) [$nrn ]"
}

cmd=${1:-all}
build
case "$cmd" in
  check1) check1;; check2) check2;; check3) check3;; throughput) throughput "${2:-3}";;
  all) check1; check2; check3;;
  *) echo "usage: $0 [all|check1|check2|check3|throughput [runs]]"; exit 2;;
esac
log "done: $FAILS failed check(s); logs in $LOGS"
exit $FAILS
