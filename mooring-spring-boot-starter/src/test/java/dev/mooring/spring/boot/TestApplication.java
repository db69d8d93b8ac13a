package dev.mooring.spring.boot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** An application with nothing of its own: what the starter's auto-configuration does alone. */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestApplication {
}
