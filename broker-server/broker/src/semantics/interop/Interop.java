import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.apache.rocketmq.client.consumer.*;
import org.apache.rocketmq.client.consumer.listener.*;
import org.apache.rocketmq.client.producer.*;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.*;

/** Drives RocketNest's broker with the Apache RocketMQ 5.2.0 Java client; prints PASS/FAIL per scenario. */
public class Interop {
    static String NS = System.getProperty("ns", "127.0.0.1:41876");
    static int failures = 0;
    static void check(boolean ok, String what) {
        System.out.println((ok ? "PASS " : "FAIL ") + what);
        if (!ok) failures++;
    }
    static DefaultMQPushConsumer consumer(String group, String topic, MessageSelector sel) throws Exception {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
        c.setNamesrvAddr(NS);
        c.setClientIP("127.0.0.1");
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setPollNameServerInterval(1000);
        if (sel != null) c.subscribe(topic, sel); else c.subscribe(topic, "*");
        return c;
    }
    static DefaultMQProducer producer(String group) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer(group);
        p.setNamesrvAddr(NS);
        p.setClientIP("127.0.0.1");
        p.setPollNameServerInterval(1000);
        p.start();
        return p;
    }
    /** Creates the topic on the broker (auto-create) and gives the name server time to learn it. */
    static void warm(DefaultMQProducer p, String topic) throws Exception {
        p.send(new Message(topic, "warm", "warm".getBytes()));
        Thread.sleep(1500);
    }

    public static void main(String[] args) throws Exception {
        String only = args.length > 0 ? args[0] : "all";
        if (only.equals("all") || only.equals("tx")) transactions();
        if (only.equals("all") || only.equals("delay")) delays();
        if (only.equals("all") || only.equals("retry")) retryAndDlq();
        if (only.equals("all") || only.equals("order")) orderly();
        if (only.equals("all") || only.equals("sql")) sql92();
        if (only.equals("all") || only.equals("rpc")) requestReply();
        System.out.println(failures == 0 ? "ALL PASS" : failures + " FAILURE(S)");
        System.exit(failures == 0 ? 0 : 1);
    }

    static void transactions() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        TransactionMQProducer p = new TransactionMQProducer("ix_tx_group");
        p.setNamesrvAddr(NS);
        p.setClientIP("127.0.0.1");
        p.setTransactionListener(new TransactionListener() {
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                switch (msg.getTags()) {
                    case "c": return LocalTransactionState.COMMIT_MESSAGE;
                    case "r": return LocalTransactionState.ROLLBACK_MESSAGE;
                    default: return LocalTransactionState.UNKNOW;
                }
            }
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                checks.incrementAndGet();
                return LocalTransactionState.COMMIT_MESSAGE;
            }
        });
        p.start();
        for (String tag : new String[] {"c", "r", "u"}) {
            TransactionSendResult r = p.sendMessageInTransaction(new Message("IxTx", tag, ("tx " + tag).getBytes()), null);
            check(r.getSendStatus() == SendStatus.SEND_OK, "transaction half message " + tag + " sent: " + r.getLocalTransactionState());
        }
        Set<String> got = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer c = consumer("ix_tx_consumer", "IxTx", null);
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) got.add(m.getTags());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        long deadline = System.currentTimeMillis() + 20000;
        while (System.currentTimeMillis() < deadline && !got.contains("u")) Thread.sleep(100);
        Thread.sleep(500);
        check(got.contains("c"), "committed transaction message consumed");
        check(got.contains("u") && checks.get() >= 1, "unknown transaction checked back (" + checks.get() + " checks) and committed");
        check(!got.contains("r"), "rolled-back transaction message never consumed");
        c.shutdown();
        p.shutdown();
    }

    static void delays() throws Exception {
        DefaultMQProducer p = producer("ix_delay_group");
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> gotAt = new ConcurrentHashMap<>();
        warm(p, "IxDelay");
        DefaultMQPushConsumer c = consumer("ix_delay_consumer", "IxDelay", MessageSelector.byTag("level2 || timer"));
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) gotAt.put(m.getTags(), System.currentTimeMillis());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        Thread.sleep(1000);
        Message level = new Message("IxDelay", "level2", "delay level 2".getBytes());
        level.setDelayTimeLevel(2);
        sentAt.put("level2", System.currentTimeMillis());
        check(p.send(level).getSendStatus() == SendStatus.SEND_OK, "delay-level message sent");
        Message timer = new Message("IxDelay", "timer", "timer 3500 ms".getBytes());
        try {
            Message.class.getMethod("setDelayTimeMs", long.class).invoke(timer, 3500L); // 5.x client
        } catch (NoSuchMethodException e) {
            timer.putUserProperty("TIMER_DELAY_MS", "3500"); // 4.9.x client: the broker reads the same property
        }
        sentAt.put("timer", System.currentTimeMillis());
        check(p.send(timer).getSendStatus() == SendStatus.SEND_OK, "timer message sent");
        long deadline = System.currentTimeMillis() + 15000;
        while (System.currentTimeMillis() < deadline && gotAt.size() < 2) Thread.sleep(50);
        Long l = gotAt.get("level2"), t = gotAt.get("timer");
        long ld = l == null ? -1 : l - sentAt.get("level2");
        long td = t == null ? -1 : t - sentAt.get("timer");
        check(ld >= 1900 && ld < 3000, "delay level 2 (2 s) consumed after " + ld + " ms");
        check(td >= 2500 && td < 4500, "timer 3500 ms (1 s precision) consumed after " + td + " ms");
        c.shutdown();
        p.shutdown();
    }

    static void retryAndDlq() throws Exception {
        DefaultMQProducer p = producer("ix_retry_producer");
        AtomicInteger deliveries = new AtomicInteger();
        List<Integer> reconsumes = Collections.synchronizedList(new ArrayList<>());
        warm(p, "IxRetry");
        DefaultMQPushConsumer c = consumer("ix_retry_group", "IxRetry", MessageSelector.byTag("boom"));
        c.setMaxReconsumeTimes(2);
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) { deliveries.incrementAndGet(); reconsumes.add(m.getReconsumeTimes()); }
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        });
        c.start();
        Thread.sleep(1000);
        SendResult sr = p.send(new Message("IxRetry", "boom", "always fails".getBytes()));
        long deadline = System.currentTimeMillis() + 40000;
        DefaultMQPullConsumer dlq = new DefaultMQPullConsumer("ix_dlq_reader");
        dlq.setNamesrvAddr(NS);
        dlq.setClientIP("127.0.0.1");
        dlq.start();
        MessageExt dead = null;
        while (System.currentTimeMillis() < deadline && dead == null) {
            Thread.sleep(300);
            try {
                PullResult pr = dlq.pull(new MessageQueue("%DLQ%ix_retry_group", "broker-a", 0), "*", 0, 32);
                if (pr.getPullStatus() == PullStatus.FOUND) dead = pr.getMsgFoundList().get(0);
            } catch (Exception e) { /* topic not there yet */ }
        }
        check(deliveries.get() == 3, "failing message delivered 3 times (reconsumeTimes " + reconsumes + ")");
        check(dead != null, "message landed in %DLQ%ix_retry_group");
        if (dead != null) {
            check(dead.getReconsumeTimes() == 3, "DLQ copy has reconsumeTimes 3: " + dead.getReconsumeTimes());
            check("IxRetry".equals(dead.getProperty("RETRY_TOPIC")), "DLQ copy keeps RETRY_TOPIC=IxRetry");
            check(sr.getMsgId().equals(dead.getMsgId()), "DLQ copy keeps the UNIQ_KEY msgId");
        }
        dlq.shutdown();
        c.shutdown();
        p.shutdown();
    }

    static void orderly() throws Exception {
        DefaultMQProducer p = producer("ix_order_producer");
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean failedOnce = new AtomicBoolean();
        warm(p, "IxOrder");
        DefaultMQPushConsumer c = consumer("ix_order_group", "IxOrder", MessageSelector.byTag("o"));
        c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                int n = Integer.parseInt(new String(m.getBody()));
                if (n == 3 && failedOnce.compareAndSet(false, true)) return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
                seen.add(n);
            }
            return ConsumeOrderlyStatus.SUCCESS;
        });
        c.start();
        for (int i = 0; i < 10; i++) {
            p.send(new Message("IxOrder", "o", String.valueOf(i).getBytes()), (mqs, msg, arg) -> mqs.get(0), null);
        }
        long deadline = System.currentTimeMillis() + 20000;
        while (System.currentTimeMillis() < deadline && seen.size() < 10) Thread.sleep(100);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 10; i++) expected.add(i);
        check(seen.equals(expected), "orderly consumer (queue locks) saw " + seen);
        c.shutdown();
        p.shutdown();
    }

    static void sql92() throws Exception {
        DefaultMQProducer p = producer("ix_sql_producer");
        for (int i = 1; i <= 10; i++) {
            Message m = new Message("IxSql", i % 2 == 0 ? "even" : "odd", ("n" + i).getBytes());
            m.putUserProperty("a", String.valueOf(i));
            p.send(m);
        }
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        DefaultMQPushConsumer c = consumer("ix_sql_group", "IxSql", MessageSelector.bySql("a > 5 AND TAGS = 'even'"));
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) got.add(m.getUserProperty("a"));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        long deadline = System.currentTimeMillis() + 10000;
        while (System.currentTimeMillis() < deadline && got.size() < 3) Thread.sleep(100);
        Thread.sleep(1000);
        List<String> sorted = new ArrayList<>(got);
        Collections.sort(sorted);
        check(sorted.equals(Arrays.asList("10", "6", "8")), "SQL92 consumer got exactly " + sorted);
        c.shutdown();
        String error = null;
        try {
            DefaultMQPushConsumer bad = consumer("ix_sql_bad", "IxSql", MessageSelector.bySql("a >"));
            bad.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            bad.start();
            bad.shutdown();
        } catch (Exception e) {
            error = e.getMessage();
        }
        check(error != null && error.contains("SQL92"), "bad selector refused at start: " + (error == null ? "no error" : error.split("\n")[0]));
        p.shutdown();
    }

    static void requestReply() throws Exception {
        DefaultMQProducer replier = producer("ix_replier");
        warm(replier, "IxRpc");
        DefaultMQPushConsumer c = consumer("ix_rpc_server", "IxRpc", MessageSelector.byTag("q"));
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                try {
                    Message reply = MessageUtil.createReplyMessage(m, ("pong:" + new String(m.getBody())).getBytes());
                    replier.send(reply, 3000);
                } catch (Exception e) { e.printStackTrace(); }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        Thread.sleep(1000);
        DefaultMQProducer requester = producer("ix_requester");
        Message answer = null;
        String err = null;
        for (int i = 0; i < 3 && answer == null; i++) {
            try { answer = requester.request(new Message("IxRpc", "q", "ping".getBytes()), 5000); }
            catch (Exception e) { err = e.toString(); }
        }
        check(answer != null && new String(answer.getBody()).equals("pong:ping"), "request-reply round trip: " + (answer != null ? new String(answer.getBody()) : err));
        requester.shutdown();
        c.shutdown();
        replier.shutdown();
    }
}
