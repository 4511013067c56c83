package io.sessionmanager.keycloak.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the JVM would find missing at run time if the extension's classes ran on a given Keycloak
 * distribution: every class, method and field they name (read from their constant pools with
 * {@code javap}) must resolve against the distribution's jars, every Keycloak method they override
 * when compiled must still be overridden (else Keycloak would silently call its own), and every
 * abstract method of their Keycloak supertypes must be implemented.
 */
public final class ApiLinkage {

    private static final Pattern THIS_CLASS = Pattern.compile("^\\s*this_class: #\\d+\\s+// (\\S+)");
    private static final Pattern REFERENCE = Pattern.compile(
            "^\\s*#\\d+ = (Class|Methodref|InterfaceMethodref|Fieldref)\\s+\\S+\\s+// (.+)$");

    private final Path classes;
    private final List<String> classNames;

    public ApiLinkage(Path classes) {
        this.classes = classes;
        try (Stream<Path> files = Files.walk(classes)) {
            this.classNames = files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems found against the jars of a Keycloak distribution; empty when it links. */
    public List<String> problemsOn(Path distribution, ClassLoader compiledAgainst) {
        Set<String> problems = new TreeSet<>();
        try (URLClassLoader server = new URLClassLoader(urls(distribution), ClassLoader.getPlatformClassLoader())) {
            for (String[] reference : references()) {
                String problem = resolve(server, reference);
                if (problem != null) {
                    problems.add(problem);
                }
            }
            for (String name : classNames) {
                problems.addAll(overrideProblems(name, server, compiledAgainst));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(problems);
    }

    private URL[] urls(Path distribution) throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.add(classes.toUri().toURL());
        try (Stream<Path> jars = Files.walk(distribution.resolve("lib"))) {
            for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        return urls.toArray(URL[]::new);
    }

    /** {kind, owner, member, descriptor} of every reference in the compiled classes. */
    private List<String[]> references() {
        List<String[]> references = new ArrayList<>();
        String current = null;
        for (String line : javap()) {
            Matcher own = THIS_CLASS.matcher(line);
            if (own.find()) {
                current = own.group(1);
                continue;
            }
            Matcher ref = REFERENCE.matcher(line);
            if (!ref.find()) {
                continue;
            }
            String target = ref.group(2).replace("\"", "");
            if (ref.group(1).equals("Class")) {
                references.add(new String[] {"Class", target, null, null});
            } else {
                int colon = target.indexOf(':');
                int dot = target.lastIndexOf('.', colon);
                String owner = dot < 0 ? current : target.substring(0, dot);
                String member = target.substring(dot + 1, colon);
                references.add(new String[] {ref.group(1), owner, member, target.substring(colon + 1)});
            }
        }
        return references;
    }

    private List<String> javap() {
        Path javap = Path.of(System.getProperty("java.home"), "bin", "javap");
        List<String> command = new ArrayList<>(List.of(javap.toString(), "-v", "-p", "-cp", classes.toString()));
        command.addAll(classNames);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> lines = new String(process.getInputStream().readAllBytes()).lines().toList();
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("javap failed: " + String.join("\n", lines));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String resolve(ClassLoader server, String[] reference) {
        String owner = reference[1];
        if (owner.startsWith("[") || owner.equals("java/lang/invoke/MethodHandle")) {
            return null; // arrays' clone(); MethodHandle.invoke takes whatever descriptor it is called with
        }
        try {
            Class<?> type = Class.forName(owner.replace('/', '.'), false, server);
            boolean found = switch (reference[0]) {
                case "Class" -> true;
                case "Fieldref" -> hierarchy(type).stream().flatMap(t -> Arrays.stream(t.getDeclaredFields()))
                        .anyMatch(f -> f.getName().equals(reference[2])
                                && descriptor(f.getType()).equals(reference[3]));
                default -> hierarchy(type).stream().flatMap(t -> executables(t, reference[2]))
                        .anyMatch(m -> descriptor(m).equals(reference[3]));
            };
            return found ? null : "missing " + owner + "." + reference[2] + reference[3];
        } catch (ClassNotFoundException | LinkageError e) {
            return "cannot load " + owner + ": " + e;
        }
    }

    /** Our methods that override a Keycloak method as compiled must still do so; abstract ones must be implemented. */
    private static List<String> overrideProblems(String name, ClassLoader server, ClassLoader compiledAgainst) {
        List<String> problems = new ArrayList<>();
        try {
            Class<?> compiled = Class.forName(name, false, compiledAgainst);
            Class<?> running = Class.forName(name, false, server);
            for (Method method : compiled.getDeclaredMethods()) {
                if (overrides(compiled, method) && !overrides(running, method)) {
                    problems.add(name + "." + method.getName() + descriptor(method)
                            + " no longer overrides a Keycloak method");
                }
            }
            if (!running.isInterface() && !Modifier.isAbstract(running.getModifiers())) {
                for (Method method : unimplemented(running)) {
                    problems.add(name + " does not implement " + method);
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add("cannot load " + name + ": " + e);
        }
        return problems;
    }

    private static boolean overrides(Class<?> type, Method method) {
        if (Modifier.isStatic(method.getModifiers()) || Modifier.isPrivate(method.getModifiers())) {
            return false;
        }
        String descriptor = descriptor(method);
        return hierarchy(type).stream().filter(t -> t != type && !t.getName().startsWith("java."))
                .flatMap(t -> Arrays.stream(t.getDeclaredMethods()))
                .anyMatch(m -> !Modifier.isPrivate(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
                        && m.getName().equals(method.getName()) && descriptor(m).equals(descriptor));
    }

    private static List<Method> unimplemented(Class<?> type) {
        List<Method> all = hierarchy(type).stream().flatMap(t -> Arrays.stream(t.getDeclaredMethods()))
                .filter(m -> !Modifier.isStatic(m.getModifiers())).toList();
        return all.stream().filter(m -> Modifier.isAbstract(m.getModifiers()))
                .filter(m -> all.stream().noneMatch(impl -> !Modifier.isAbstract(impl.getModifiers())
                        && impl.getName().equals(m.getName()) && descriptor(impl).equals(descriptor(m))))
                .collect(Collectors.toList());
    }

    /** The type, its superclasses and all their interfaces. */
    private static List<Class<?>> hierarchy(Class<?> type) {
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Class<?>> queue = new ArrayDeque<>(List.of(type));
        while (!queue.isEmpty()) {
            Class<?> next = queue.poll();
            if (seen.add(next)) {
                if (next.getSuperclass() != null) {
                    queue.add(next.getSuperclass());
                }
                queue.addAll(Arrays.asList(next.getInterfaces()));
            }
        }
        return new ArrayList<>(seen);
    }

    private static Stream<? extends Executable> executables(Class<?> type, String name) {
        if (name.equals("<init>")) {
            return Arrays.stream(type.getDeclaredConstructors());
        }
        return Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(name));
    }

    private static String descriptor(Executable executable) {
        String parameters = Arrays.stream(executable.getParameterTypes()).map(ApiLinkage::descriptor)
                .collect(Collectors.joining());
        String result = executable instanceof Constructor<?> ? "V" : descriptor(((Method) executable).getReturnType());
        return "(" + parameters + ")" + result;
    }

    private static String descriptor(Class<?> type) {
        return type.describeConstable().orElseThrow().descriptorString();
    }
}
