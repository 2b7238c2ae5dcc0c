package dev.messenger.storage;

import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * Runs around {@code @Transactional} (whose interceptors have priority {@code PLATFORM_BEFORE +
 * 200}), so the method's transaction has committed when {@code proceed} returns; then asks the
 * store to write it out. A call made inside a caller's transaction leaves that to the caller's own,
 * outer, commit.
 */
@DurableCommit
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class DurableCommitInterceptor {
  @Inject StoreCheckpoint checkpoint;

  @Resource TransactionSynchronizationRegistry transactions;

  @AroundInvoke
  Object writeOutAfterCommit(InvocationContext call) throws Exception {
    Object result = call.proceed();
    if (transactions.getTransactionKey() == null) {
      checkpoint.afterCommit();
    }
    return result;
  }
}
