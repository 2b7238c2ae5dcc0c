package dev.messenger.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.interceptor.InvocationContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

class DurableCommitInterceptorTest {
  private final List<String> calls = new ArrayList<>();

  @Test
  void writesOutOnceTheMethodHasCommitted() throws Exception {
    Object result = interceptor(null).writeOutAfterCommit(call(() -> "sent"));

    assertEquals("sent", result);
    assertEquals(List.of("method", "checkpoint"), calls);
  }

  @Test
  void insideACallersTransactionLeavesItToTheCallersCommit() throws Exception {
    interceptor("outer transaction").writeOutAfterCommit(call(() -> "sent"));

    assertEquals(List.of("method"), calls);
  }

  @Test
  void aFailedMethodRolledBackAndHasNothingToWriteOut() {
    IllegalArgumentException refused = new IllegalArgumentException("refused");

    Exception thrown =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                interceptor(null)
                    .writeOutAfterCommit(
                        call(
                            () -> {
                              throw refused;
                            })));

    assertSame(refused, thrown);
    assertEquals(List.of("method"), calls);
  }

  private DurableCommitInterceptor interceptor(Object transactionKey) {
    DurableCommitInterceptor interceptor = new DurableCommitInterceptor();
    interceptor.checkpoint =
        new StoreCheckpoint() {
          @Override
          public void afterCommit() {
            calls.add("checkpoint");
          }
        };
    interceptor.transactions =
        (TransactionSynchronizationRegistry)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {TransactionSynchronizationRegistry.class},
                (p, m, a) -> {
                  assertEquals("getTransactionKey", m.getName());
                  return transactionKey;
                });
    return interceptor;
  }

  private InvocationContext call(Callable<Object> method) {
    return (InvocationContext)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {InvocationContext.class},
            (p, m, a) -> {
              assertEquals("proceed", m.getName());
              calls.add("method");
              return method.call();
            });
  }
}
