package dev.paymentrouter.merchant.runtime;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds the inbound limit of merchants that have none of their own. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DefaultInboundLimit.class)
class MerchantLimitsConfiguration {}
