package dev.mooring.bench;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * A diagnostic: a {@link DataSource} whose connections have PostgreSQL's {@code auto_explain} send the plan of every
 * statement they run, nested ones (triggers) included, with actual times and buffers, to the client as a notice,
 * and print those plans to {@code out} when the statement is closed. Lets a benchmark show the plans of exactly the
 * queries the server code runs, without copying them. The embedded server's own log is not forwarded reliably, hence
 * the notices. Not every plan arrives: those of bootstrap pages that fill their page were missing (not explained);
 * run those by hand. Needs a superuser ({@code LOAD}); for diagnostics, never for timing. Thread-safe as the wrapped
 * source.
 */
final class ExplainedStatements {
    private static final String SETTINGS = "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0;"
            + " SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on;"
            + " SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice";

    private ExplainedStatements() {
    }

    static DataSource wrap(DataSource ds, PrintStream out) {
        return proxy(DataSource.class, ds, (target, method, args) -> {
            Object result = invoke(target, method, args);
            if (result instanceof Connection c) {
                try (Statement s = c.createStatement()) {
                    s.execute(SETTINGS);
                }
                return connection(c, out);
            }
            return result;
        });
    }

    private static Connection connection(Connection c, PrintStream out) {
        return proxy(Connection.class, c, (target, method, args) -> {
            Object result = invoke(target, method, args);
            if (result instanceof Statement s) {
                Class<? extends Statement> type = method.getReturnType().asSubclass(Statement.class);
                return statement(type, s, out);
            }
            return result;
        });
    }

    private static <T extends Statement> T statement(Class<T> type, Statement s, PrintStream out) {
        return proxy(type, type.cast(s), (target, method, args) -> {
            if (method.getName().equals("close")) {
                for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                    out.println(w.getMessage());
                }
            }
            return invoke(target, method, args);
        });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private interface Handler<T> {
        Object handle(T target, java.lang.reflect.Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Handler<T> handler) {
        InvocationHandler h = (p, method, args) -> handler.handle(target, method, args);
        return type.cast(Proxy.newProxyInstance(ExplainedStatements.class.getClassLoader(), new Class<?>[]{type}, h));
    }
}
