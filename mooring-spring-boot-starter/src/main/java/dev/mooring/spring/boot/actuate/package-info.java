/**
 * Spring Boot Actuator support: the {@code mooring} health contributor (components {@code migrations} and
 * {@code sync}) and the {@code /actuator/mooring} endpoint.
 */
package dev.mooring.spring.boot.actuate;
